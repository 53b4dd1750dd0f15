import { describe, expect, it } from 'vitest';
import { CompletionAssembler } from './assemble';

describe('CompletionAssembler', () => {
  it('folds text and tool call fragments into one chat.completion (usage is the caller\'s)', () => {
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
    });
  });

  it('keeps every field the provider sent: reasoning, annotations, logprobs, audio, service_tier, choice extras', () => {
    const a = new CompletionAssembler();
    const lp = (token: string) => ({ token, logprob: -0.1, bytes: null, top_logprobs: [] });
    a.add({ choices: [{ index: 0, delta: { role: 'assistant', content: null, reasoning_content: 'Think' }, finish_reason: null }], service_tier: 'default', obfuscation: 'x1' });
    a.add({ choices: [{ index: 0, delta: { reasoning_content: 'ing.' }, finish_reason: null }] });
    a.add({ choices: [{ index: 0, delta: { content: 'Hi' }, logprobs: { content: [lp('Hi')], refusal: null }, finish_reason: null }] });
    a.add({ choices: [{ index: 0, delta: { content: '!', annotations: [{ type: 'url_citation', url_citation: { url: 'a' } }] }, logprobs: { content: [lp('!')] }, finish_reason: null }] });
    a.add({ choices: [{ index: 0, delta: { audio: { id: 'au_1', transcript: 'Hi' } }, finish_reason: null }] });
    a.add({ choices: [{ index: 0, delta: { audio: { transcript: '!', expires_at: 9 } }, finish_reason: null }] });
    a.add({ choices: [{ index: 0, delta: {}, finish_reason: 'stop', stop_reason: 42 } as never], system_fingerprint: 'fp_2' });
    expect(a.result('x', 1, 'm')).toEqual({
      id: 'x', object: 'chat.completion', created: 1, model: 'm', service_tier: 'default', system_fingerprint: 'fp_2',
      choices: [{
        index: 0,
        message: {
          role: 'assistant', content: 'Hi!', refusal: null, reasoning_content: 'Thinking.',
          annotations: [{ type: 'url_citation', url_citation: { url: 'a' } }],
          audio: { id: 'au_1', transcript: 'Hi!', expires_at: 9 },
        },
        logprobs: { content: [lp('Hi'), lp('!')], refusal: null },
        finish_reason: 'stop',
        stop_reason: 42,
      }],
    });
  });

  it('leaves content null for an answer that is only a tool call or a refusal', () => {
    const a = new CompletionAssembler();
    a.add({ choices: [{ index: 0, delta: { role: 'assistant', content: null, refusal: null }, finish_reason: null }] });
    a.add({ choices: [{ index: 0, delta: { refusal: 'I can' }, finish_reason: null }] });
    a.add({ choices: [{ index: 0, delta: { refusal: "'t help." }, finish_reason: 'stop' }] });
    const msg = (a.result('x', 1, 'm') as { choices: Array<{ message: Record<string, unknown> }> }).choices[0]!.message;
    expect(msg).toEqual({ role: 'assistant', content: null, refusal: "I can't help." });
  });

  it('keeps choices apart and in order when n > 1', () => {
    const a = new CompletionAssembler();
    a.add({ choices: [{ index: 1, delta: { content: 'B' }, finish_reason: 'stop' }, { index: 0, delta: { content: 'A' }, finish_reason: 'stop' }] });
    const out = a.result('x', 1, 'm') as { choices: Array<{ index: number; message: { content: string } }> };
    expect(out.choices.map((c) => [c.index, c.message.content])).toEqual([[0, 'A'], [1, 'B']]);
  });

  it('never lets a provider\'s "__proto__" key reach any prototype (found by the fuzz test)', () => {
    const a = new CompletionAssembler();
    a.add(JSON.parse('{"__proto__":{"top":1},"choices":[{"index":0,"delta":{"content":"hi","__proto__":{"polluted":1},"audio":{"__proto__":{"deep":1}}},"__proto__":{"x":1}}]}'));
    a.add(JSON.parse('{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"__proto__":{"t":1},"function":{"arguments":"{}"}}]}}]}'));
    const out = a.result('x', 1, 'm') as { choices: Array<{ message: Record<string, unknown> }> };
    expect(out.choices[0]!.message.content).toBe('hi');
    for (const key of ['top', 'polluted', 'deep', 'x', 't']) expect(({} as Record<string, unknown>)[key]).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});
