// A reasoning model through the gateway: reasoning deltas are the answer starting (design §5). A
// model that reasons for 2 s under firstTokenMs 1.2 s is answered once — no retry, no duplicate
// deltas, no timeout counted against its endpoint — and a cut mid-reasoning is never retried.
import { describe, expect, it } from 'vitest';
import { simAnswer } from '../../sim/text.ts';
import { testConfig } from '../harness/config.ts';
import { chat, MESSAGES } from '../harness/requests.ts';
import { FrameReader, jsonEvents } from '../harness/sse.ts';
import { gatewaySuite } from '../harness/suite.ts';
const REASONING_MS = 2000;
/** The sim sends a reasoning delta every max(20, interTokenMs) ms while reasoningMs lasts. */
const REASONING_DELTAS = REASONING_MS / 20;

function config(providerUrl: string) {
  const cfg = testConfig({ providerUrl, budgets: { firstTokenMs: 1200, idleMs: 1000, totalMs: 10_000 } });
  // One timeout would open the breaker: the test sees whether reasoning was counted as one.
  cfg.resilience = { breaker: { consecutiveFailures: 1, cooldownMs: 60_000 } };
  return cfg;
}

// A fresh isolate per test: closed breakers.
const s = gatewaySuite(config, { freshIsolate: true });

const reasoningOf = (events: Array<Record<string, any>>) => events.flatMap((e) => e.choices ?? []).map((c) => c.delta?.reasoning_content).filter((r) => r);
const contentOf = (events: Array<Record<string, any>>) => events.flatMap((e) => e.choices ?? []).map((c) => c.delta?.content ?? '').join('');

describe('a reasoning model (2 s of reasoning, firstTokenMs 1.2 s)', () => {
  it('stream: answered once, every reasoning delta exactly once, then the answer; the breaker stays closed', async () => {
    s.provider.setFaults('east', { reasoningMs: REASONING_MS, firstTokenMs: 50, interTokenMs: 1 });
    const res = await chat(s.gateway.url, { stream: true });
    const frames = await new FrameReader(res).rest();
    const events = jsonEvents(frames);
    expect(events.filter((e) => e.error)).toEqual([]);
    expect(frames.at(-1)?.data).toBe('[DONE]');
    expect(reasoningOf(events)).toHaveLength(REASONING_DELTAS);
    expect(contentOf(events)).toBe(simAnswer('sim-small', MESSAGES).text);
    expect(s.provider.calls).toHaveLength(1);
    // The endpoint was not blamed: with consecutiveFailures 1, a counted timeout would have opened it.
    const next = await chat(s.gateway.url, {});
    expect(next.status).toBe(200);
    expect(next.headers.get('x-gateway-endpoint')).toBe('east');
    expect(s.provider.calls.map((c) => c.scope)).toEqual(['east', 'east']);
  });

  it('non-stream: one call, the message carries reasoning_content and the answer', async () => {
    s.provider.setFaults('east', { reasoningMs: REASONING_MS, firstTokenMs: 50, interTokenMs: 1 });
    const res = await chat(s.gateway.url, {});
    expect(res.status).toBe(200);
    const body = (await res.json()) as { choices: Array<{ message: Record<string, string> }> };
    expect(body.choices[0]!.message.content).toBe(simAnswer('sim-small', MESSAGES).text);
    expect(body.choices[0]!.message.reasoning_content!.length).toBeGreaterThan(0);
    expect(s.provider.calls).toHaveLength(1);
  });

  it('a cut mid-reasoning: the reasoning once, then an error event; never retried after the client saw a delta', async () => {
    const role = { choices: [{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }] };
    const think = (t: string) => ({ choices: [{ index: 0, delta: { reasoning_content: t }, finish_reason: null }] });
    s.provider.script('east', { events: [role, think('First, '), think('consider '), { $wait: 50 }, think('the')], end: 'cut' });
    const res = await chat(s.gateway.url, { stream: true });
    const events = jsonEvents(await new FrameReader(res).rest());
    expect(reasoningOf(events)).toEqual(['First, ', 'consider ', 'the']);
    expect(events.at(-1)).toEqual({ error: expect.objectContaining({ code: 'upstream_stream_error', status: 502 }) });
    expect(s.provider.calls).toHaveLength(1);
  });
});
