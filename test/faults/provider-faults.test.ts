// The provider-fault matrix: each row names the promise (design §2, §5), the fault, and what the
// client must get — for a JSON client and for a stream. A stream has flushed its role chunk before
// the provider answers, so a failure there is a final `{"error": …}` event with the same status
// the JSON client gets, then the end of the stream (no `[DONE]`).
import { describe, expect, it } from 'vitest';
import type { ProviderFaults } from '../../sim/provider.ts';
import type { ProviderScript } from '../../sim/script.ts';
import { testConfig } from '../harness/config.ts';
import { simAnswer } from '../../sim/text.ts';
import { chat, MESSAGES } from '../harness/requests.ts';
import { FrameReader, jsonEvents } from '../harness/sse.ts';
import { gatewaySuite } from '../harness/suite.ts';

const BUDGETS = { firstTokenMs: 400, idleMs: 300, totalMs: 3000 };
const s = gatewaySuite((url) => ({ ...testConfig({ providerUrl: url, budgets: BUDGETS }), resilience: { retry: { maxAttempts: 1 } } }), { freshIsolate: true });

interface Row {
  promise: string;
  fault: ProviderFaults | ProviderScript;
  status: number;
  code: string;
  /** Text the stream delivers before its error event. */
  streamed?: string;
  retryAfter?: string;
}

const fast = { firstTokenMs: 1, interTokenMs: 0 };
/** The simulated answer's first two tokens: what a stall or cut after 2 tokens has delivered. */
const TWO = simAnswer('sim-small', MESSAGES).tokens.slice(0, 2).join('');
const text = (t: string) => ({ choices: [{ index: 0, delta: { content: t }, finish_reason: null }] });

const ROWS: Row[] = [
  { promise: 'a provider that never sends headers is cut at firstTokenMs', fault: { hang: true }, status: 504, code: 'upstream_timeout' },
  { promise: 'headers but no first token: cut at firstTokenMs', fault: { events: [{ $wait: 5000 }] }, status: 504, code: 'upstream_timeout' },
  { promise: 'silence after the first tokens is cut at idleMs', fault: { ...fast, stallAfterTokens: 2 }, status: 504, code: 'upstream_timeout', streamed: TWO },
  { promise: 'a connection cut mid-answer is an upstream stream error', fault: { ...fast, cutAfterTokens: 2 }, status: 502, code: 'upstream_stream_error', streamed: TWO },
  { promise: 'a stream that ends without [DONE] or a finish reason is incomplete, not a success', fault: { events: [text('Hel'), text('lo')] }, status: 502, code: 'upstream_stream_error', streamed: 'Hello' },
  { promise: 'a 200 with an empty body is an upstream stream error', fault: { events: [] }, status: 502, code: 'upstream_stream_error' },
  { promise: 'a 200 whose body is not SSE (an HTML page) is an upstream stream error', fault: { events: [], json: '<html>oops</html>', headers: { 'content-type': 'text/html' } }, status: 502, code: 'upstream_stream_error' },
  { promise: 'an error event mid-stream ends the answer with an upstream error', fault: { events: [text('Hi'), { error: { message: 'overloaded', type: 'server_error' } }] }, status: 502, code: 'upstream_stream_error', streamed: 'Hi' },
  { promise: '429 stays 429, with the provider\'s Retry-After', fault: { status: 429, retryAfter: 2 }, status: 429, code: 'upstream_rate_limited', retryAfter: '2' },
  { promise: '503 stays 503, with the provider\'s Retry-After', fault: { status: 503, retryAfter: 3 }, status: 503, code: 'upstream_unavailable', retryAfter: '3' },
  { promise: 'any other 5xx is a 502', fault: { status: 500 }, status: 502, code: 'upstream_error' },
  { promise: 'the provider refusing the gateway\'s key is the operator\'s 502, never the client\'s 401', fault: { status: 401 }, status: 502, code: 'upstream_auth_failed' },
];

const isScript = (f: Row['fault']): f is ProviderScript => 'events' in f;
function arm(row: Row): void {
  if (isScript(row.fault)) s.provider.script('east', row.fault);
  else s.provider.setFaults('east', row.fault);
}

describe.each(ROWS.map((r) => [r.promise, r] as const))('%s', (_promise, row) => {
  it(`JSON client: ${row.status} ${row.code}`, async () => {
    arm(row);
    const res = await chat(s.gateway.url, {});
    expect(res.status).toBe(row.status);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ code: row.code, request_id: res.headers.get('x-request-id') });
    if (row.retryAfter) expect(res.headers.get('retry-after')).toBe(row.retryAfter);
  });

  it(`stream: ${row.streamed ? 'the text so far, then ' : ''}an error event (${row.status} ${row.code}), no [DONE]`, async () => {
    arm(row);
    const res = await chat(s.gateway.url, { stream: true });
    expect(res.status).toBe(200);
    const frames = await new FrameReader(res).rest();
    const events = jsonEvents(frames);
    expect(events.at(-1)).toEqual({ error: expect.objectContaining({ code: row.code, status: row.status, request_id: res.headers.get('x-request-id') }) });
    expect(frames.some((f) => f.data === '[DONE]')).toBe(false);
    const streamed = events.flatMap((e) => e.choices ?? []).map((c) => c.delta?.content ?? '').join('');
    expect(streamed).toBe(row.streamed ?? '');
  });
});
