// A provider is input (design §5): malformed events and unusable usage figures are upstream
// errors or estimates — never a 500, never a negative or infinite cost.
import { describe, expect, it } from 'vitest';
import type { ProviderScript } from '../../sim/script.ts';
import { TEST_BINDINGS, testConfig } from '../harness/config.ts';
import { expectError } from '../harness/expect.ts';
import { chat } from '../harness/requests.ts';
import { FrameReader, jsonEvents } from '../harness/sse.ts';
import { gatewaySuite } from '../harness/suite.ts';

/** sim-small with two endpoints: `bad` (preferred) and `good`. */
function config(providerUrl: string) {
  const cfg = testConfig({ providerUrl });
  cfg.models[0].endpoints = [
    { id: 'bad', baseUrl: `${providerUrl}/s/bad/v1`, weight: 1000 },
    { id: 'good', baseUrl: `${providerUrl}/s/good/v1`, weight: 1 },
  ];
  return cfg;
}

const s = gatewaySuite(config, { freshIsolate: true, each: ({ provider }) => provider.setFaults('good', { firstTokenMs: 1, interTokenMs: 0 }) });

const role = { choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] };
const text = (t: string) => ({ choices: [{ index: 0, delta: { content: t }, finish_reason: null }] });
const stop = { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] };
const MALFORMED = ['{"choices":[null]}', '{"choices":[{"index":0,"delta":{"tool_calls":5}}]}', '{"choices":[{"index":0,"delta":{"tool_calls":[null]}}]}'];

describe.each(MALFORMED)('a malformed provider event %s', (bad) => {
  it('before anything reached the client: that attempt fails and the next endpoint answers (non-stream and stream)', async () => {
    s.provider.script('bad', { events: [role, bad, text('lost'), stop, '[DONE]'] });
    const res = await chat(s.gateway.url, {});
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-endpoint')).toBe('good');
    const streamed = jsonEvents(await new FrameReader(await chat(s.gateway.url, { stream: true })).rest());
    expect(streamed.filter((e) => e.error)).toEqual([]);
    expect(streamed.flatMap((e) => e.choices).map((c) => c.delta?.content ?? '').join('')).not.toContain('lost');
  });

  it('after text reached the client: the text, then a final upstream_stream_error event (no splice, no 500)', async () => {
    s.provider.script('bad', { events: [role, text('Hello'), bad, text(' world'), stop, '[DONE]'] });
    const events = jsonEvents(await new FrameReader(await chat(s.gateway.url, { stream: true })).rest());
    expect(events.flatMap((e) => e.choices ?? []).map((c) => c.delta?.content ?? '').join('')).toBe('Hello');
    expect(events.at(-1)).toEqual({ error: expect.objectContaining({ code: 'upstream_stream_error', status: 502 }) });
    expect(s.provider.calls.map((c) => c.scope)).toEqual(['bad']);
  });

  it('on the only endpoint, non-stream: 502 upstream_stream_error, and no internal error anywhere', async () => {
    const cfg = config(s.provider.url);
    cfg.models[0].endpoints = [cfg.models[0].endpoints[0]];
    await s.gateway.setConfig(cfg, TEST_BINDINGS);
    s.provider.script('bad', { events: [role, text('Hi'), bad, stop, '[DONE]'] });
    await expectError(await chat(s.gateway.url, {}), 502, 'upstream_stream_error');
    expect(s.gateway.output()).not.toContain('internal error');
  });
});

describe('usage a provider reports that cannot be true', () => {
  const cases: Array<[string, unknown]> = [
    ['negative', { prompt_tokens: -1_000_000_000, completion_tokens: 5, total_tokens: 5 }],
    ['missing prompt_tokens', { completion_tokens: 5 }],
    ['1e308', { prompt_tokens: 1e308, completion_tokens: 1e308, total_tokens: 1e308 }],
    ['a string', 'many'],
  ];
  const script = (usage: unknown): ProviderScript => ({ events: [role, text('Fine.'), stop, { choices: [], usage }, '[DONE]'] });

  it.each(cases)('%s → the cost is estimated, finite and ≥ 0, and marked as an estimate (non-stream)', async (_name, usage) => {
    s.provider.script('bad', script(usage));
    const res = await chat(s.gateway.url, {});
    expect(res.status).toBe(200);
    const cost = Number(res.headers.get('x-gateway-cost-usd'));
    expect(Number.isFinite(cost) && cost >= 0).toBe(true);
    const body = (await res.json()) as { usage: Record<string, number>; gateway: Record<string, unknown> };
    expect(body.gateway.usage_estimated).toBe(true);
    for (const key of ['prompt_tokens', 'completion_tokens', 'total_tokens']) expect(Number.isInteger(body.usage[key]) && body.usage[key]! >= 0).toBe(true);
  });

  it.each(cases)('%s → the stream\'s usage chunk carries an estimate and a finite cost', async (_name, usage) => {
    s.provider.script('bad', script(usage));
    const events = jsonEvents(await new FrameReader(await chat(s.gateway.url, { stream: true, stream_options: { include_usage: true } })).rest());
    const last = events.at(-1)!;
    expect(last.usage.prompt_tokens).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(last.gateway.cost_usd) && last.gateway.cost_usd >= 0).toBe(true);
    expect(last.gateway.usage_estimated).toBe(true);
  });
});
