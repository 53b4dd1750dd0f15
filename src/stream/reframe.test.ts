import { describe, expect, it } from 'vitest';
import { Reframer } from './reframe';

const r = new Reframer('chatcmpl-1', 1700000000, 'sim-small');
const parse = (s: string | undefined) => (s === undefined ? undefined : JSON.parse(s));

describe('Reframer', () => {
  it('opens with the role chunk and gateway metadata', () => {
    expect(parse(r.head({ request_id: 'req_1' }))).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1700000000,
      model: 'sim-small',
      choices: [{ index: 0, delta: { role: 'assistant' }, logprobs: null, finish_reason: null }],
      gateway: { request_id: 'req_1' },
    });
  });

  it('gives every choice its role when n > 1', () => {
    expect(parse(r.head({}, 3)).choices.map((c: { index: number; delta: unknown }) => [c.index, c.delta])).toEqual([
      [0, { role: 'assistant' }], [1, { role: 'assistant' }], [2, { role: 'assistant' }],
    ]);
  });

  it('passes reasoning-only deltas, logprobs and the provider\'s top-level fields on', () => {
    const out = parse(r.chunk({ service_tier: 'flex', system_fingerprint: 'fp', usage: null, choices: [{ index: 1, delta: { reasoning_content: 'hm' }, logprobs: null, finish_reason: null }] }));
    expect(out).toMatchObject({ service_tier: 'flex', system_fingerprint: 'fp', choices: [{ index: 1, delta: { reasoning_content: 'hm' } }] });
    expect(out).not.toHaveProperty('usage');
  });

  it('rewrites id and model, and drops the upstream role announcement', () => {
    const out = parse(r.chunk({ id: 'up-9', model: 'gpt-x', choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }] }));
    expect(out).toMatchObject({ id: 'chatcmpl-1', model: 'sim-small', choices: [{ delta: { content: 'Hi' } }] });
    expect(out.choices[0].delta).not.toHaveProperty('role');
  });

  it('skips chunks that carry nothing new', () => {
    expect(r.chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })).toBeUndefined();
    expect(r.chunk({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 2 } })).toBeUndefined();
  });

  it('keeps finish reasons, tool calls and refusals', () => {
    expect(parse(r.chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })).choices[0].finish_reason).toBe('stop');
    const tool = { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a"' } };
    expect(parse(r.chunk({ choices: [{ index: 0, delta: { tool_calls: [tool] }, finish_reason: null }] })).choices[0].delta.tool_calls).toEqual([tool]);
    expect(parse(r.chunk({ choices: [{ index: 0, delta: { refusal: 'no' }, finish_reason: null }] })).choices[0].delta.refusal).toBe('no');
  });

  it('closes with a usage chunk with empty choices', () => {
    expect(parse(r.usage({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 }, { cost_usd: 1e-6 }))).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
      gateway: { cost_usd: 1e-6 },
    });
  });
});
