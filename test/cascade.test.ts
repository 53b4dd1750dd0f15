// The cascade (issue #13, `routing.cascade`): a non-stream or buffered request that `auto` routed
// small with low confidence, whose small answer failed, is answered by the large model — one extra
// call, both paid for, said in the answer's gateway metadata.
import { describe, expect, it } from 'vitest';
import type { ProviderScript } from '../sim/script.ts';
import { testConfig } from './harness/config.ts';
import { chat } from './harness/requests.ts';
import { FrameReader, jsonEvents } from './harness/sse.ts';
import { gatewaySuite } from './harness/suite.ts';

const cascading = (url: string) => ({ ...testConfig({ providerUrl: url }), routing: { cascade: true, cascadeMinPLarge: 0 } });
const s = gatewaySuite(cascading, { freshIsolate: true });

function says(text: string, finish = 'stop', usage = { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 }): ProviderScript {
  return {
    events: [
      { choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
      ...(text ? [{ choices: [{ index: 0, delta: { content: text }, finish_reason: null }] }] : []),
      { choices: [{ index: 0, delta: {}, finish_reason: finish }] },
      { choices: [], usage },
      '[DONE]',
    ],
  };
}
const HI = { model: 'auto', messages: [{ role: 'user', content: 'hi there' }] };
// sim-small 0.15/0.6, sim-large 2.5/10 USD per 1M tokens; 20 in, 10 out each.
const SMALL_COST = (20 * 0.15 + 10 * 0.6) / 1e6;
const LARGE_COST = (20 * 2.5 + 10 * 10) / 1e6;

describe('cascade', () => {
  it('an empty small answer → one escalation to the large model’s endpoint, answered by large, both calls paid for', async () => {
    s.provider.script('east', says(''));
    s.provider.script('west', says('Hello! How can I help?'));
    const res = await chat(s.gateway.url, HI);
    const body = (await res.json()) as any;
    expect(s.provider.calls.map((c) => c.scope)).toEqual(['east', 'west']);
    expect(s.provider.calls.map((c) => c.model)).toEqual(['sim-small', 'sim-large']);
    expect(body.choices[0].message.content).toBe('Hello! How can I help?');
    expect(body.model).toBe('sim-large');
    expect(res.headers.get('x-gateway-model')).toBe('sim-large');
    expect(body.gateway.cascade).toEqual({ from: 'sim-small', reason: 'empty' });
    expect(Number(res.headers.get('x-gateway-cost-usd'))).toBeCloseTo(SMALL_COST + LARGE_COST, 12);
    expect(body.usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 20 });
  });

  it('a small answer that stands → one call, no escalation', async () => {
    s.provider.script('east', says('Hi!'));
    const res = await chat(s.gateway.url, HI);
    const body = (await res.json()) as any;
    expect(s.provider.calls).toHaveLength(1);
    expect(body.choices[0].message.content).toBe('Hi!');
    expect(body.gateway.cascade).toBeUndefined();
    expect(Number(res.headers.get('x-gateway-cost-usd'))).toBeCloseTo(SMALL_COST, 12);
  });

  it('a refusal in a buffered stream → escalated before anything reaches the client', async () => {
    s.provider.script('east', says("I'm sorry, but I can't help with that."));
    s.provider.script('west', says('Sure: hello!'));
    const res = await chat(s.gateway.url, { ...HI, stream: true, gateway: { contract: 'buffer' } });
    const events = jsonEvents(await new FrameReader(res).rest());
    const text = events.flatMap((e) => e.choices ?? []).map((c: any) => c.delta?.content ?? '').join('');
    expect(text).toBe('Sure: hello!');
    expect(s.provider.calls.map((c) => c.scope)).toEqual(['east', 'west']);
  });

  it('a default stream is never cascaded (its tokens are already the client’s)', async () => {
    s.provider.script('east', says(''));
    await new FrameReader(await chat(s.gateway.url, { ...HI, stream: true })).rest();
    expect(s.provider.calls.map((c) => c.scope)).toEqual(['east']);
  });

  it('a concrete model is never cascaded', async () => {
    s.provider.script('east', says(''));
    await (await chat(s.gateway.url, { ...HI, model: 'sim-small' })).json();
    expect(s.provider.calls).toHaveLength(1);
  });
});
