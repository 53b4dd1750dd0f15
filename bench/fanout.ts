// Fan-out TTFT: a request that needs retrieval and a tool at the origin before the model can
// answer, three ways, each `stream: true`, with the origin's stages slowed down by sim faults:
//   serial   (direct) — the client calls the origin's /retrieve, then /tools/search, then the
//                       provider, one after the other: what a naive backend does;
//   parallel (direct) — the client calls /retrieve and /tools/search at once, then the provider:
//                       the best client-side orchestration can do, max(stages) + model (the floor);
//   gateway           — one streamed request with the `gateway` extension; the gateway runs both
//                       stages in parallel under their deadlines, then calls the provider.
// Every time is measured from the first byte the client sends (the first origin call for the
// direct paths): first body byte, first `gateway.sources` chunk (gateway only), first content token
// (the first SSE event whose choices[0].delta.content is non-empty), end of the stream.
import { request } from 'node:http';
import type { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { keepAliveAgent } from './client.ts';
import type { SimProcess } from './sim.ts';
import { stageSummary, summarize } from './stats.ts';
import type { Summary } from './stats.ts';

export interface FanoutSettings {
  requests: number;
  concurrency: number;
  /** Origin latency of /retrieve and /tools/search (sim `latencyMs` faults). */
  retrievalMs: number;
  toolsMs: number;
  /** The sim provider's first-token delay and answer length (no inter-token delay). */
  firstTokenMs: number;
  tokens: number;
}

export type FanoutPath = 'serial' | 'parallel' | 'gateway';

export interface FanoutPathResult {
  path: FanoutPath;
  requests: number;
  concurrency: number;
  /** Send → first content token. */
  firstContentMs: Summary;
  /** Send → first byte of the answer stream (for the direct paths: of the provider's body). */
  firstByteMs: Summary;
  /** Send → the last origin stage answered (direct paths only). */
  stagesMs?: Summary;
  /** Send → the first chunk with `gateway.sources` (gateway only). */
  sourcesMs?: Summary;
  /** Send → end of the stream. */
  totalMs: Summary;
  /** The origin's own service time per route (its request start → response end, sim's clock). */
  originMs: Record<string, Summary>;
  /** "200", "200 degraded: tool:search:timeout", "error: …" */
  outcomes: Record<string, number>;
  /** Every request in send order: [ms since the path's first send, first token ms] (−1 = none). */
  raw: Array<[number, number]>;
}

type Percentiles = { p50: number; p90: number; p99: number };

export interface FanoutResult {
  settings: FanoutSettings & { scope: string; tool: string };
  /** The budgets the gateway ran with (its config; the stage deadlines are well above the latencies). */
  gatewayBudgets: Record<string, number>;
  /** max(retrieval, tools) + first token: what a perfect parallel fan-out would take. */
  expectedFloorMs: number;
  /** retrieval + tools + first token: what the serial path would take with zero overhead. */
  expectedSerialMs: number;
  paths: FanoutPathResult[];
  /** The gateway's own log lines over its run (workerd's clock). */
  gatewayStages: Record<string, Summary>;
  /** Percentile against percentile (not paired per request). */
  comparison: {
    savedVsSerialMs: Percentiles;
    ratioVsSerial: Percentiles;
    addedOverFloorMs: Percentiles;
    overExpectedMs: Percentiles;
  };
}

export interface FanoutTargets {
  /** The sim provider's chat completions URL for the scope (what the direct paths stream from). */
  providerUrl: string;
  originUrl: string;
  gatewayUrl: string;
  gatewayHeaders: Record<string, string>;
  tenant: string;
  scope: string;
  /** The gateway's request log lines so far. */
  gatewayLogs: () => Array<Record<string, unknown>>;
  log: (msg: string) => void;
}

const TOOL = 'search';
const MODEL = 'sim-small';
const REQUEST_TIMEOUT_MS = 10_000;
const WARM_REQUESTS = 40;

/** Gateway budgets that let every stage finish: stage deadlines well above the injected latencies. */
export function fanoutBudgets(s: FanoutSettings): Record<string, number> {
  const stages = Math.max(s.retrievalMs, s.toolsMs);
  return {
    retrievalMs: Math.ceil(Math.max(2000, s.retrievalMs * 4)),
    toolsMs: Math.ceil(Math.max(2000, s.toolsMs * 4)),
    // The config's default idle deadline (testConfig's 1 s is a test's), as a user would run it.
    idleMs: 10_000,
    // testConfig's own values unless the stages need more (they never do with the defaults).
    firstTokenMs: Math.ceil(Math.max(1500, stages + s.firstTokenMs + 1000)),
    totalMs: Math.ceil(Math.max(10_000, stages + s.firstTokenMs + 5000)),
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP: one JSON POST read whole, and one streamed chat completion read event by event.

interface JsonCall {
  sentAt: number;
  doneAt: number;
  status: number;
  json?: unknown;
  error?: string;
}

function postJson(agent: Agent, url: string, headers: Record<string, string>, body: unknown, timeoutMs: number): Promise<JsonCall> {
  return new Promise((resolve) => {
    const text = JSON.stringify(body);
    const call: JsonCall = { sentAt: performance.now(), doneAt: 0, status: 0 };
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      call.doneAt = performance.now();
      if (error) call.error = error;
      resolve(call);
    };
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (err) => finish(err.message));
    req.on('response', (res) => {
      call.status = res.statusCode ?? 0;
      let out = '';
      res.setEncoding('utf8');
      res.on('data', (part: string) => (out += part));
      res.on('end', () => {
        if (call.status !== 200) return finish(`HTTP ${call.status}`);
        try {
          call.json = JSON.parse(out);
          finish();
        } catch {
          finish('invalid JSON');
        }
      });
      res.on('error', (err) => finish(err.message));
      res.on('aborted', () => finish('response aborted'));
    });
    req.end(text);
  });
}

interface StreamRead {
  sentAt: number;
  status: number;
  firstByteAt?: number;
  sourcesAt?: number;
  firstContentAt?: number;
  endAt?: number;
  degraded?: string;
  error?: string;
}

interface ChunkEvent {
  choices?: Array<{ delta?: { content?: unknown } }>;
  gateway?: { sources?: unknown; degraded?: unknown };
  error?: { code?: string; message?: string };
}

/** A `stream: true` chat completion, its SSE events parsed as they arrive (all timestamps absolute). */
function streamChat(agent: Agent, url: string, headers: Record<string, string>, body: unknown, timeoutMs: number): Promise<StreamRead> {
  return new Promise((resolve) => {
    const text = JSON.stringify(body);
    const s: StreamRead = { sentAt: performance.now(), status: 0 };
    let settled = false;
    let sawDone = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      s.endAt = performance.now();
      if (error) s.error ??= error;
      resolve(s);
    };
    const event = (data: string, at: number) => {
      if (data === '[DONE]') {
        sawDone = true;
        return;
      }
      let ev: ChunkEvent;
      try {
        ev = JSON.parse(data) as ChunkEvent;
      } catch {
        s.error ??= 'malformed SSE event';
        return;
      }
      if (ev.error) s.error ??= `stream error: ${ev.error.code ?? ev.error.message ?? 'unknown'}`;
      if (ev.gateway) {
        if (ev.gateway.sources !== undefined) s.sourcesAt ??= at;
        if (Array.isArray(ev.gateway.degraded) && ev.gateway.degraded.length) s.degraded = ev.gateway.degraded.join(',');
      }
      const content = ev.choices?.[0]?.delta?.content;
      if (typeof content === 'string' && content !== '') s.firstContentAt ??= at;
    };
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (err) => finish(err.message));
    req.on('response', (res) => {
      s.status = res.statusCode ?? 0;
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (part: string) => {
        const at = performance.now();
        s.firstByteAt ??= at;
        buffer += part;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          for (const line of frame.split('\n')) if (line.startsWith('data: ')) event(line.slice(6), at);
        }
      });
      res.on('end', () => {
        if (s.status !== 200) return finish(`HTTP ${s.status}`);
        finish(sawDone ? undefined : 'stream ended without [DONE]');
      });
      res.on('error', (err) => finish(err.message));
      res.on('aborted', () => finish('response aborted'));
    });
    req.end(text);
  });
}

// ---------------------------------------------------------------------------------------------
// The three paths, one request each.

interface Sample {
  /** performance.now() of the first send. */
  t0?: number;
  error?: string;
  degraded?: string;
  firstByteMs?: number;
  firstContentMs?: number;
  stagesMs?: number;
  sourcesMs?: number;
  totalMs?: number;
}

const question = (path: string, n: number) => `fanout ${path} ${n}: how do circuit breakers stop retry storms`;

/** The prompt a client-side orchestration sends: context and tool result in the system message. */
function directBody(q: string, retrieved: unknown, tool: unknown): Record<string, unknown> {
  const chunks = ((retrieved as { chunks?: Array<{ text?: string; source?: string }> }).chunks ?? []);
  const context = chunks.map((c, i) => `[${i + 1}]${c.source ? ` (${c.source})` : ''} ${c.text ?? ''}`).join('\n\n');
  const system = 'You are a helpful assistant. Answer the question using the context below when it is relevant, and cite the sources you use as [n].' +
    `\n\n## Context\n${context}\n\n## Tool results\n### ${TOOL}\n${JSON.stringify((tool as { result?: unknown }).result)}`;
  return { model: MODEL, stream: true, messages: [{ role: 'system', content: system }, { role: 'user', content: q }] };
}

function fromStream(s: StreamRead, t0: number, extra: Partial<Sample> = {}): Sample {
  const rel = (at: number | undefined) => (at === undefined ? undefined : at - t0);
  const error = s.error ?? (s.firstContentAt === undefined ? 'no content token' : undefined);
  return {
    t0,
    ...extra,
    ...(error ? { error } : {}),
    ...(s.degraded ? { degraded: s.degraded } : {}),
    firstByteMs: rel(s.firstByteAt),
    firstContentMs: rel(s.firstContentAt),
    sourcesMs: rel(s.sourcesAt),
    totalMs: rel(s.endAt),
  };
}

async function directOnce(agent: Agent, t: FanoutTargets, path: 'serial' | 'parallel', n: number): Promise<Sample> {
  const q = question(path, n);
  const retrieve = () => postJson(agent, `${t.originUrl}/retrieve`, {}, { tenant: t.tenant, query: q, topK: 5, filters: {} }, REQUEST_TIMEOUT_MS);
  const tool = () => postJson(agent, `${t.originUrl}/tools/${TOOL}`, {}, { tenant: t.tenant, arguments: { q } }, REQUEST_TIMEOUT_MS);
  let r: JsonCall;
  let tl: JsonCall;
  if (path === 'serial') {
    r = await retrieve();
    tl = r.error ? r : await tool();
  } else {
    [r, tl] = await Promise.all([retrieve(), tool()]);
  }
  const t0 = r.sentAt;
  const stagesMs = Math.max(r.doneAt, tl.doneAt) - t0;
  if (r.error || tl.error) return { t0, error: `origin: ${r.error ?? tl.error}`, stagesMs };
  const s = await streamChat(agent, t.providerUrl, {}, directBody(q, r.json, tl.json), REQUEST_TIMEOUT_MS);
  const sample = fromStream(s, t0, { stagesMs });
  delete sample.sourcesMs;
  return sample;
}

async function gatewayOnce(agent: Agent, t: FanoutTargets, n: number): Promise<Sample> {
  const q = question('gateway', n);
  const body = {
    model: MODEL,
    stream: true,
    messages: [{ role: 'user', content: q }],
    gateway: { retrieval: { query: q }, tools: [{ name: TOOL, arguments: { q } }] },
  };
  const s = await streamChat(agent, `${t.gatewayUrl}/v1/chat/completions`, t.gatewayHeaders, body, REQUEST_TIMEOUT_MS);
  const sample = fromStream(s, s.sentAt);
  if (!sample.error && sample.sourcesMs === undefined) sample.error = 'no gateway.sources chunk';
  return sample;
}

const once = (agent: Agent, t: FanoutTargets, path: FanoutPath, n: number) =>
  path === 'gateway' ? gatewayOnce(agent, t, n) : directOnce(agent, t, path, n);

/** `requests` requests at `concurrency`, stopping early (and saying so in the count) at the deadline. */
async function drive(t: FanoutTargets, path: FanoutPath, requests: number, concurrency: number, budgetMs: number, base = 0): Promise<Sample[]> {
  const agent = keepAliveAgent();
  const samples: Sample[] = [];
  const deadline = Date.now() + budgetMs;
  let next = 0;
  const worker = async () => {
    while (next < requests && Date.now() < deadline) samples.push(await once(agent, t, path, base + next++));
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return samples;
}

const good = (s: Sample) => !s.error && !s.degraded;

function outcomeCounts(samples: readonly Sample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of samples) {
    const key = s.error ? `error: ${s.error}` : s.degraded ? `200 degraded: ${s.degraded}` : '200';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function pathResult(path: FanoutPath, samples: readonly Sample[], concurrency: number, originMs: Record<string, Summary>): FanoutPathResult {
  const ok = samples.filter(good);
  const sorted = [...samples].sort((a, b) => (a.t0 ?? 0) - (b.t0 ?? 0));
  const start = sorted[0]?.t0 ?? 0;
  const r1 = (v: number) => Math.round(v * 10) / 10;
  const pick = (f: (s: Sample) => number | undefined) => summarize(ok.map(f).filter((v): v is number => v !== undefined));
  return {
    path,
    requests: samples.length,
    concurrency,
    firstContentMs: pick((s) => s.firstContentMs),
    firstByteMs: pick((s) => s.firstByteMs),
    ...(path === 'gateway' ? { sourcesMs: pick((s) => s.sourcesMs) } : { stagesMs: pick((s) => s.stagesMs) }),
    totalMs: pick((s) => s.totalMs),
    originMs,
    outcomes: outcomeCounts(samples),
    raw: sorted.map((s) => [r1((s.t0 ?? start) - start), good(s) && s.firstContentMs !== undefined ? r1(s.firstContentMs) : -1]),
  };
}

function originServiceTimes(calls: Awaited<ReturnType<SimProcess['originCalls']>>): Record<string, Summary> {
  const byRoute: Record<string, number[]> = {};
  for (const c of calls) if (c.endedAt !== undefined && c.status === 200) (byRoute[c.route] ??= []).push(c.endedAt - c.startedAt);
  return Object.fromEntries(Object.entries(byRoute).map(([route, v]) => [route, summarize(v)]));
}

const each = (f: (k: 'p50' | 'p90' | 'p99') => number): Percentiles => ({ p50: f('p50'), p90: f('p90'), p99: f('p99') });

export async function runFanout(sim: SimProcess, t: FanoutTargets, s: FanoutSettings, gatewayBudgets: Record<string, number>): Promise<FanoutResult> {
  const paths: FanoutPath[] = ['serial', 'parallel', 'gateway'];
  const results: FanoutPathResult[] = [];
  let gatewayStages: Record<string, Summary> = {};
  try {
    // Warm every path (and the gateway's fan-out code) at the sims' default speed first; each
    // must answer cleanly before anything is timed.
    await sim.reset();
    await sim.resetOrigin();
    await sim.setFaults(t.scope, { firstTokenMs: 0, interTokenMs: 0, tokens: s.tokens });
    for (const path of paths) {
      const warm = await drive(t, path, WARM_REQUESTS, s.concurrency, 30_000, -WARM_REQUESTS - 1);
      const bad = warm.filter((x) => !good(x));
      if (bad.length) throw new Error(`fanout ${path} warm-up: ${JSON.stringify(outcomeCounts(warm))}`);
    }

    const perRequest = s.retrievalMs + s.toolsMs + s.firstTokenMs + 100;
    const budgetMs = 30_000 + (s.requests / s.concurrency) * perRequest * 3;
    for (const path of paths) {
      await sim.reset();
      await sim.resetOrigin();
      await sim.setFaults(t.scope, { firstTokenMs: s.firstTokenMs, interTokenMs: 0, tokens: s.tokens });
      await sim.setOriginFaults('retrieve', { latencyMs: s.retrievalMs });
      await sim.setOriginFaults(`tools/${TOOL}`, { latencyMs: s.toolsMs });
      t.log(`fanout ${path}: ${s.requests} streams, concurrency ${s.concurrency}`);
      const logsBefore = path === 'gateway' ? t.gatewayLogs().length : 0;
      const samples = await drive(t, path, s.requests, s.concurrency, budgetMs);
      results.push(pathResult(path, samples, s.concurrency, originServiceTimes(await sim.originCalls())));
      if (path === 'gateway') {
        await new Promise((r) => setTimeout(r, 200)); // log lines are written from waitUntil
        gatewayStages = stageSummary(t.gatewayLogs().slice(logsBefore));
      }
    }
  } finally {
    // Leave no slow origin (or provider) behind for whatever runs next; a failure here must not
    // hide the error that brought us here.
    for (const reset of [sim.resetOrigin, sim.reset]) {
      await reset().catch((err: Error) => t.log(`fanout: resetting the sim failed: ${err.message}`));
    }
  }

  const by = (p: FanoutPath) => results.find((r) => r.path === p)!.firstContentMs;
  const serial = by('serial');
  const floor = by('parallel');
  const gw = by('gateway');
  const expectedFloorMs = Math.max(s.retrievalMs, s.toolsMs) + s.firstTokenMs;
  return {
    settings: { ...s, scope: t.scope, tool: TOOL },
    gatewayBudgets,
    expectedFloorMs,
    expectedSerialMs: s.retrievalMs + s.toolsMs + s.firstTokenMs,
    paths: results,
    gatewayStages,
    comparison: {
      savedVsSerialMs: each((k) => serial[k] - gw[k]),
      ratioVsSerial: each((k) => gw[k] / serial[k]),
      addedOverFloorMs: each((k) => gw[k] - floor[k]),
      overExpectedMs: each((k) => gw[k] - expectedFloorMs),
    },
  };
}
