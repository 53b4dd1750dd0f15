// Single-flight under faults (issue #9, item 1): a burst of identical cacheable requests waits on
// one leader; when that leader fails or its client leaves, the burst must not turn into a
// stampede. Its followers share a failure, or hand over to one new leader at a time (design §5:
// retries never multiply "nor when many identical requests wait on one that failed").
import { describe, expect, it } from 'vitest';
import { simAnswer } from '../../sim/text.ts';
import { waitFor } from '../../sim/testing.ts';
import { testConfig } from '../harness/config.ts';
import { chat } from '../harness/requests.ts';
import { FrameReader, jsonEvents } from '../harness/sse.ts';
import { gatewaySuite } from '../harness/suite.ts';

const BURST = 500;
const FOLLOWERS = 100;
/** Each request's own deadline; every client must have its answer or error well within it. */
const TOTAL_MS = 15_000;

// A first-token window long enough for a held leader to wait until the test lets its client go;
// frequent heartbeats, because workerd notices a stream's client has gone only when it writes.
const config = (providerUrl: string) =>
  testConfig({ providerUrl, budgets: { firstTokenMs: 5000, idleMs: 5000, totalMs: TOTAL_MS, heartbeatMs: 200 } });

let n = 0;
/** A prompt no other test has asked. */
const fresh = (text: string) => [{ role: 'user', content: `${text} #${Date.now()}-${++n}` }];
const ask = (messages: unknown, extra: Record<string, unknown> = {}, signal?: AbortSignal) =>
  chat(s.gateway.url, { temperature: 0, messages, ...extra }, { signal });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The text a stream carried, or the error event it ended with. */
async function streamed(res: Response): Promise<{ text: string; error?: unknown }> {
  const events = jsonEvents(await new FrameReader(res).rest());
  const error = events.find((e) => e.error)?.error;
  return { text: events.map((e) => e.choices?.[0]?.delta?.content ?? '').join(''), error };
}

// A fresh isolate per test: closed breakers, full retry budget.
const s = gatewaySuite(config, { freshIsolate: true });

describe('single-flight under faults', () => {
  it(`${BURST} identical requests against a provider failing after 300 ms: a handful of calls, every client a clear error`, async () => {
    const messages = fresh('failing leader');
    s.provider.setFaults('east', { status: 500, latencyMs: 300 });
    const started = Date.now();
    const responses = await Promise.all(
      Array.from({ length: BURST }, async () => {
        const res = await ask(messages);
        return { status: res.status, body: (await res.json()) as any, ms: Date.now() - started };
      }),
    );
    const calls = s.provider.calls.length;
    const statuses = new Map<number, number>();
    for (const r of responses) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    console.log(`failing burst of ${BURST}: ${calls} provider calls; statuses ${JSON.stringify(Object.fromEntries(statuses))}; last answer after ${Math.max(...responses.map((r) => r.ms))} ms`);
    expect(calls).toBeLessThanOrEqual(5);
    for (const { status, body, ms } of responses) {
      expect([502, 503]).toContain(status);
      expect(body.error).toMatchObject({ code: expect.any(String), request_id: expect.stringMatching(/^req_/), message: expect.any(String) });
      expect(ms).toBeLessThan(TOTAL_MS);
    }
    // Each client its own request id, even when it shares the leader's error.
    expect(new Set(responses.map((r) => r.body.error.request_id)).size).toBe(BURST);
  }, 60_000);

  it(`${BURST} identical requests against a healthy provider: 1 call, all 200 with the same answer`, async () => {
    const messages = fresh('healthy burst');
    s.provider.setFaults('east', { firstTokenMs: 300, interTokenMs: 1 });
    const responses = await Promise.all(Array.from({ length: BURST }, () => ask(messages)));
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<any>));
    console.log(`healthy burst of ${BURST}: ${s.provider.calls.length} provider calls`);
    expect(responses.map((r) => r.status)).toEqual(Array(BURST).fill(200));
    expect(new Set(bodies.map((b) => b.choices[0].message.content))).toEqual(new Set([simAnswer('sim-small', messages as never).text]));
    expect(s.provider.calls).toHaveLength(1);
  }, 60_000);

  it(`${BURST} identical requests whose answer is never stored (cut at max_tokens): still 1 call, shared with the burst`, async () => {
    const messages = fresh('truncated burst');
    s.provider.setFaults('east', { firstTokenMs: 300, interTokenMs: 1 });
    const responses = await Promise.all(Array.from({ length: BURST }, () => ask(messages, { max_tokens: 5 })));
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<any>));
    console.log(`truncated burst of ${BURST}: ${s.provider.calls.length} provider calls`);
    expect(responses.map((r) => r.status)).toEqual(Array(BURST).fill(200));
    expect(new Set(bodies.map((b) => `${b.choices[0].finish_reason}: ${b.choices[0].message.content}`))).toEqual(
      new Set([`length: ${simAnswer('sim-small', messages as never, 5).text}`]),
    );
    expect(s.provider.calls).toHaveLength(1);
    // Shared, not stored: the next identical request asks the provider again.
    expect((await ask(messages, { max_tokens: 5 })).headers.get('x-gateway-cache')).toBe('miss');
  }, 60_000);

  it(`an abandoned stream leader with ${FOLLOWERS} followers: at most 2 calls, every follower answered in full`, async () => {
    const messages = fresh('abandoned leader');
    const expected = simAnswer('sim-small', messages as never).text;
    // Only the leader's call is held at the provider; the next one answers normally.
    s.provider.setFaults('east', { hold: true, failFirst: 1, firstTokenMs: 200, interTokenMs: 1 });
    const leaving = new AbortController();
    const leader = new FrameReader(await ask(messages, { stream: true }, leaving.signal));
    await leader.next(); // the role chunk: the stream is open
    await waitFor(() => s.provider.heldCount('east') === 1, 5000); // and its call is at the provider

    const followers = Array.from({ length: FOLLOWERS }, async (_, i) => {
      const stream = i % 2 === 0;
      const res = await ask(messages, stream ? { stream: true } : {});
      if (res.status !== 200) return { status: res.status, text: '', error: await res.text() };
      return { status: res.status, ...(stream ? await streamed(res) : { text: ((await res.json()) as any).choices[0].message.content as string }) };
    });
    await sleep(1000); // every follower has joined the leader's flight
    expect(s.provider.calls).toHaveLength(1);
    leaving.abort();

    const answers = await Promise.all(followers);
    console.log(`abandoned stream leader with ${FOLLOWERS} followers: ${s.provider.calls.length} provider calls`);
    expect(s.provider.calls.length).toBeLessThanOrEqual(2);
    for (const a of answers) expect(a).toEqual({ status: 200, text: expected });
  }, 60_000);
});
