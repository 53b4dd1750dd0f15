import { describe, expect, it } from 'vitest';
import { CompletionAssembler } from './assemble';

describe('CompletionAssembler', () => {
  it('folds text, tool call fragments and usage into one chat.completion', () => {
    const a = new CompletionAssembler();
    a.add({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    a.add({ choices: [{ index: 0, delta: { content: 'Let me ' }, finish_reason: null }] });
    a.add({ choices: [{ index: 0, delta: { content: 'check.' }, finish_reason: null }] });
    a.add({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"ci' } }] }, finish_reason: null }] });
    a.add({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: 'ty":"Oslo"}' } }] }, finish_reason: null }] });
    a.add({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], system_fingerprint: 'fp_1' });
    a.add({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 } });
    expect(a.result('chatcmpl-x', 1, 'm')).toEqual({
      id: 'chatcmpl-x',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      system_fingerprint: 'fp_1',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Let me check.',
            refusal: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 },
    });
  });

  it('keeps choices apart and in order when n > 1', () => {
    const a = new CompletionAssembler();
    a.add({ choices: [{ index: 1, delta: { content: 'B' }, finish_reason: 'stop' }, { index: 0, delta: { content: 'A' }, finish_reason: 'stop' }] });
    const out = a.result('x', 1, 'm') as { choices: Array<{ index: number; message: { content: string } }> };
    expect(out.choices.map((c) => [c.index, c.message.content])).toEqual([[0, 'A'], [1, 'B']]);
  });
});
