// Money through the gateway: the cost of an answer from the provider's usage details and the
// catalog's prices (cached input, reasoning, an endpoint's own prices).
import { describe, expect, it } from 'vitest';
import { testConfig } from './harness/config.ts';
import { chat } from './harness/requests.ts';
import { FrameReader, jsonEvents } from './harness/sse.ts';
import { gatewaySuite } from './harness/suite.ts';

function config(providerUrl: string) {
  const cfg = testConfig({ providerUrl });
  Object.assign(cfg.models[0], { inputPer1M: 2, outputPer1M: 8, cachedInputPer1M: 0.5, reasoningPer1M: 20 });
  // The large model's endpoint is billed at its own input price.
  Object.assign(cfg.models[1], { inputPer1M: 4, outputPer1M: 16 });
  cfg.models[1].endpoints[0].prices = { inputPer1M: 3 };
  return cfg;
}
const s = gatewaySuite(config);

const USAGE = {
  prompt_tokens: 2006, completion_tokens: 300, total_tokens: 2306,
  prompt_tokens_details: { cached_tokens: 1920 }, completion_tokens_details: { reasoning_tokens: 192 },
};
const script = { events: [
  { choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }] },
  { choices: [], usage: USAGE },
  '[DONE]',
] };

describe('cost from usage details', () => {
  it('cached input and reasoning at their own prices, in the header, the body and the stream', async () => {
    s.provider.script('east', script);
    // 86 × 2 + 1,920 × 0.5 + 108 × 8 + 192 × 20 = 172 + 960 + 864 + 3,840 = 5,836 micro-USD
    const res = await chat(s.gateway.url, {});
    expect(res.headers.get('x-gateway-cost-usd')).toBe('0.005836');
    const body = (await res.json()) as { usage: unknown; gateway: { cost_usd: number } };
    expect(body.gateway.cost_usd).toBe(0.005836);
    expect(body.usage).toEqual(USAGE);
    const events = jsonEvents(await new FrameReader(await chat(s.gateway.url, { stream: true, stream_options: { include_usage: true } })).rest());
    expect(events.at(-1)).toMatchObject({ usage: USAGE, gateway: { cost_usd: 0.005836 } });
  });

  it('an endpoint\'s own prices override the model\'s', async () => {
    s.provider.script('west', script);
    // 86 × 3 + 1,920 × 3 (no cached price: input's) + 300 × 16 = 258 + 5,760 + 4,800 = 10,818 micro-USD
    const res = await chat(s.gateway.url, { model: 'sim-large' });
    expect(res.headers.get('x-gateway-cost-usd')).toBe('0.010818');
  });
});
