// Issue 9's fuzz (design §5: nothing from outside is trusted): ≥ 10,000 mutated provider events and
// ≥ 2,000 mutated request bodies through the gateway → no internal_error, no hang past the
// deadlines, no crash. Seeded: FUZZ_SEED=<n> replays a run (FUZZ_SEED=random picks one); each case
// depends only on (seed, index), so a failure names the one case to replay.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startOrigin, type SimOrigin } from '../../sim/origin.ts';
import { PROVIDER_KEY, TENANT_KEY, testConfig } from '../harness/config.ts';
import { chat } from '../harness/requests.ts';
import { FrameReader } from '../harness/sse.ts';
import { gatewaySuite } from '../harness/suite.ts';
import { bodyCase, type BodyCase } from './fuzz-bodies.ts';
import { eventsCase, LEAKED_KEY } from './fuzz-gen.ts';

const SEED = process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 32) : Number(process.env.FUZZ_SEED ?? 0x5eed0009);
const EVENT_REQUESTS = 1000;
const MIN_EVENTS = 10_000;
const BODIES = 3_000;
const MIN_BODIES = 2_000;
/** Requests in flight; each holds its own model, endpoint and script scope. */
const SLOTS = 8;
const BUDGETS = { firstTokenMs: 300, idleMs: 300, totalMs: 2000 };
/** Past the total deadline by this much, a request counts as hung. */
const HANG_MS = BUDGETS.totalMs + 3000;
const SCOPES = ['east', 'west', ...Array.from({ length: SLOTS }, (_, i) => `f${i}`)];

function config(providerUrl: string, originUrl: string) {
  const cfg = testConfig({ providerUrl, originUrl, budgets: BUDGETS });
  for (let i = 0; i < SLOTS; i++) {
    cfg.models.push({
      id: `fuzz-${i}`, tier: 'small', inputPer1M: 0.15, outputPer1M: 0.6, contextWindow: 128000,
      endpoints: [{ id: `f${i}`, baseUrl: `${providerUrl}/s/f${i}/v1`, apiKeyEnv: 'EAST_KEY' }],
    });
  }
  // Breakers that never open: an open breaker answers 503 without reading a single event.
  cfg.resilience = { breaker: { consecutiveFailures: 1e9, minRequests: 1e9 } };
  return cfg;
}

// The origin (retrieval, tools) starts before the suite's gateway, which is pointed at it.
let origin: SimOrigin;
beforeAll(async () => {
  origin = await startOrigin();
});
afterAll(() => origin?.close());

// A fresh isolate per test: a defect that poisons the isolate in one part must not fail the other.
const s = gatewaySuite((providerUrl) => config(providerUrl, origin.url), {
  freshIsolate: true,
  each: ({ provider }) => SCOPES.forEach((scope) => provider.setFaults(scope, { firstTokenMs: 1, interTokenMs: 0, tokens: 3 })),
});

interface Failure {
  index: number;
  case: string;
  problem: string;
  input: unknown;
}

/** Outcome counts and failures of one run. */
class Tally {
  readonly outcomes = new Map<string, number>();
  readonly failures: Failure[] = [];

  count(outcome: string): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
  }

  fail(failure: Failure): void {
    this.count(`FAIL ${failure.problem.split(':')[0]}`);
    this.failures.push(failure);
  }

  /** The failure count and the first failures by case index (a later one may be a knock-on). */
  failed(): { count: number; first: string[] } {
    return { count: this.failures.length, first: this.sorted().slice(0, 20).map((f) => `${f.case}: ${f.problem}`) };
  }

  private sorted(): Failure[] {
    return this.failures.sort((a, b) => a.index - b.index);
  }

  /** The outcome counts, one line each, most frequent first. */
  summary(): string {
    return [...this.outcomes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${String(n).padStart(5)}  ${k}`).join('\n');
  }

  /** Every failure, inputs included, and the worker's bug reports, in a file to replay from. */
  report(kind: string, workerLines: string[]): string {
    if (this.failures.length === 0 && workerLines.length === 0) return '';
    const file = join(tmpdir(), `gateway-fuzz-${kind}-${SEED}.json`);
    writeFileSync(file, JSON.stringify({ failures: this.sorted().slice(0, 50), worker: workerLines.slice(0, 50) }, null, 1));
    return file;
  }
}

const ERROR_STATUSES = new Set([400, 403, 404, 408, 409, 413, 422, 429, 502, 503, 504]);

/** What one response was, or the problem with it. */
type Verdict = { outcome: string } | { problem: string };

/** A key the gateway holds, or one a provider echoed in an error message (design §5: scrubbed). */
const secretIn = (text: string) => [PROVIDER_KEY, LEAKED_KEY].find((key) => text.includes(key));

/** An OpenAI-style error: an allowed status, the four fields, the response's request id, not internal_error. */
async function errorVerdict(res: Response, allowed: Set<number>): Promise<Verdict> {
  const text = await res.text();
  if (secretIn(text)) return { problem: `secret in an error body: ${text.slice(0, 200)}` };
  let error: Record<string, unknown> | undefined;
  try {
    error = (JSON.parse(text) as { error?: Record<string, unknown> }).error;
  } catch {
    return { problem: `not JSON: HTTP ${res.status} ${text.slice(0, 200)}` };
  }
  const code = error?.code;
  if (code === 'internal_error' || res.status === 500) return { problem: `internal error: HTTP ${res.status} ${text.slice(0, 300)}` };
  if (!allowed.has(res.status)) return { problem: `unexpected status: ${res.status} ${text.slice(0, 200)}` };
  const shaped = typeof code === 'string' && typeof error?.message === 'string' && typeof error.type === 'string';
  if (!shaped || error?.request_id !== res.headers.get('x-request-id')) return { problem: `not an OpenAI-style error: ${text.slice(0, 200)}` };
  return { outcome: `${res.status} ${code}` };
}

/** A 200 JSON answer has choices. */
async function jsonVerdict(res: Response): Promise<Verdict> {
  const text = await res.text();
  if (secretIn(text)) return { problem: `secret in an answer: ${text.slice(0, 200)}` };
  try {
    const body = JSON.parse(text) as { choices?: unknown };
    return Array.isArray(body.choices) ? { outcome: '200 json' } : { problem: `200 without choices: ${text.slice(0, 200)}` };
  } catch {
    return { problem: `200 not JSON: ${text.slice(0, 200)}` };
  }
}

/** A stream's frames parse, and it ends with `[DONE]` (nothing after it) or one final error event. */
async function streamVerdict(res: Response): Promise<Verdict> {
  const frames = await new FrameReader(res).rest();
  const doneAt = frames.findIndex((f) => f.data === '[DONE]');
  if (doneAt >= 0 && doneAt !== frames.length - 1) return { problem: 'frame after [DONE]' };
  const events: Array<Record<string, any>> = [];
  for (const f of frames) {
    if (f.data === undefined || f.data === '[DONE]') continue;
    if (secretIn(f.data)) return { problem: `secret in a stream event: ${f.data.slice(0, 200)}` };
    try {
      events.push(JSON.parse(f.data) as Record<string, any>);
    } catch {
      return { problem: `unparsable frame: ${f.data.slice(0, 200)}` };
    }
  }
  const errorAt = events.findIndex((e) => e.error !== undefined);
  if (doneAt >= 0) return errorAt < 0 ? { outcome: `stream [DONE]${carries(events) ? '' : ' (no content)'}` } : { problem: 'error event and [DONE]' };
  if (errorAt < 0) return { problem: 'stream ended with neither [DONE] nor an error event' };
  if (errorAt !== events.length - 1) return { problem: 'error event before the end' };
  const code = events[errorAt]!.error?.code;
  if (code === 'internal_error') return { problem: `internal error: ${JSON.stringify(events[errorAt]).slice(0, 300)}` };
  return typeof code === 'string' ? { outcome: `stream error ${code}` } : { problem: `error event without a code: ${JSON.stringify(events[errorAt]).slice(0, 200)}` };
}

/** Whether any choice got content, a tool call, reasoning, a refusal or a finish reason. */
const carries = (events: Array<Record<string, any>>) =>
  events.some((e) => (e.choices ?? []).some((c: any) => c.finish_reason != null || Object.entries(c.delta ?? {}).some(([k, v]) => k !== 'role' && v != null && v !== '')));

/**
 * The request, sent again once if the connection closed before any response: Node's fetch may
 * reuse a keep-alive connection the server is just closing (undici's "other side closed"), a race
 * of the client's pool, not an answer. A gateway that drops connections does it again (and shows
 * in the worker's output, checked after the run).
 */
async function sendOnce(send: (signal: AbortSignal) => Promise<Response>, signal: AbortSignal): Promise<Response> {
  try {
    return await send(signal);
  } catch (err) {
    if (signal.aborted || !String((err as Error).cause ?? '').includes('other side closed')) throw err;
    return send(signal);
  }
}

/** Sends one request and judges the response; a hang or a dropped connection is a problem too. */
async function judge(send: (signal: AbortSignal) => Promise<Response>, allowed: Set<number>, stream?: boolean): Promise<Verdict> {
  const signal = AbortSignal.timeout(HANG_MS);
  try {
    const res = await sendOnce(send, signal);
    if (res.status !== 200) return await errorVerdict(res, allowed);
    const sse = (res.headers.get('content-type') ?? '').includes('text/event-stream');
    if (stream !== undefined && sse !== stream) return { problem: `a ${stream ? 'stream' : 'non-stream'} request answered ${sse ? 'as a stream' : 'in JSON'}` };
    return sse ? await streamVerdict(res) : await jsonVerdict(res);
  } catch (err) {
    if (signal.aborted) return { problem: `hang: no end within ${HANG_MS} ms` };
    return { problem: `connection failed: ${(err as Error).message} ${String((err as Error).cause ?? '')}` };
  }
}

/** Runs `count` cases, SLOTS at a time; each slot runs its cases one after another. */
async function pool(count: number, run: (index: number, slot: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: SLOTS }, async (_, slot) => {
    while (next < count) await run(next++, slot);
  }));
}

/** Worker log lines since `from` that show a bug or a secret. */
const workerProblems = (from: number) => s.gateway.output().slice(from).split('\n').filter((l) => /internal error|uncaught/i.test(l) || secretIn(l));

it(`provider events: ≥ ${MIN_EVENTS} mutated events, stream and not → answers or upstream errors, never internal_error or a hang (seed ${SEED})`, async () => {
  const tally = new Tally();
  const logFrom = s.gateway.output().length;
  let fed = 0;
  let mutated = 0;
  const started = performance.now();
  const callsOf = (scope: string) => s.provider.calls.reduce((n, c) => n + (c.scope === scope ? 1 : 0), 0);
  await pool(EVENT_REQUESTS, async (index, slot) => {
    const c = eventsCase(SEED, index);
    const scope = `f${slot}`;
    s.provider.script(scope, c.script);
    const before = callsOf(scope);
    const body = { model: `fuzz-${slot}`, messages: [{ role: 'user', content: `fuzz ${index}` }], stream: c.stream, ...c.request };
    const v = await judge((signal) => chat(s.gateway.url, body, { signal }), c.stream ? new Set() : ERROR_STATUSES, c.stream);
    const calls = callsOf(scope) - before;
    fed += c.events * calls;
    mutated += c.mutated * calls;
    if ('problem' in v) tally.fail({ index, case: `seed ${SEED} events #${index} (${c.stream ? 'stream' : 'non-stream'})`, problem: v.problem, input: { request: body, script: c.script } });
    else tally.count(`${c.stream ? 'stream' : 'json  '} ${v.outcome}`);
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`fuzz events, seed ${SEED}: ${EVENT_REQUESTS} requests, ${fed} events fed (${mutated} of them mutated), ${seconds} s\n${tally.summary()}\n${tally.report('events', workerProblems(logFrom))}`);
  expect(tally.failed()).toEqual({ count: 0, first: [] });
  expect(workerProblems(logFrom).slice(0, 5)).toEqual([]);
  expect(fed).toBeGreaterThanOrEqual(MIN_EVENTS);
}, 120_000);

/** Posts a case's bytes as they are: the content type it names, or none. */
function post(c: BodyCase, signal: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${TENANT_KEY}`, ...c.headers };
  if (c.contentType) headers['content-type'] = c.contentType;
  return fetch(`${s.gateway.url}/v1/chat/completions`, { method: 'POST', headers, body: c.body, signal });
}

it(`request bodies: ≥ ${MIN_BODIES} mutated bodies → an answer or an OpenAI-style error, never internal_error or a hang (seed ${SEED})`, async () => {
  const tally = new Tally();
  const logFrom = s.gateway.output().length;
  let sent = 0;
  const started = performance.now();
  await pool(BODIES, async (index) => {
    const c = bodyCase(SEED, index);
    let v = await judge((signal) => post(c, signal), ERROR_STATUSES);
    // A body over maxBodyBytes (1 MiB) is refused by its Content-Length without being read: the
    // gateway answers 413 and closes, and a client still writing may see its write fail (EPIPE)
    // before it reads the 413 — the refusal, as the client's socket reports it.
    const size = typeof c.body === 'string' ? Buffer.byteLength(c.body) : c.body.byteLength;
    if ('problem' in v && size > 1024 * 1024 && /EPIPE|ECONNRESET|other side closed/.test(v.problem)) v = { outcome: '413 (closed while the client was sending)' };
    sent++;
    if ('problem' in v) {
      const body = typeof c.body === 'string' ? c.body : `bytes ${Buffer.from(c.body).toString('base64')}`;
      tally.fail({ index, case: `seed ${SEED} body #${index} (${c.note})`, problem: v.problem, input: { ...c, body: body.length > 4000 ? `${body.slice(0, 4000)}… (${body.length} chars)` : body } });
    } else tally.count(v.outcome);
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`fuzz bodies, seed ${SEED}: ${sent} bodies, ${seconds} s\n${tally.summary()}\n${tally.report('bodies', workerProblems(logFrom))}`);
  expect(tally.failed()).toEqual({ count: 0, first: [] });
  expect(workerProblems(logFrom).slice(0, 5)).toEqual([]);
  expect(sent).toBeGreaterThanOrEqual(MIN_BODIES);
}, 120_000);
