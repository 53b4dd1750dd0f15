// The response cache (memory → Redis → KV), two ways, on a gateway of its own: real redis-server
// behind the test Upstash-REST bridge (test/harness/redis.ts), the runtime's local KV persisted
// to a temp folder (so it survives isolate restarts), both started for this phase only.
//
//   1. latency per layer, non-stream, sequential: BENCH_CACHE_REQUESTS (100) distinct prompts per
//      row; the sim answers BENCH_TOKENS (20) tokens after BENCH_CACHE_FIRST_TOKEN_MS (100) ms (a
//      realistic provider; hits never reach it). Rows, back to back:
//        bypass     — `gateway: {cache: "bypass"}`: no lookup, no write (the reference);
//        miss       — prompts P1…Pn, each new: all three layers looked up, then the provider,
//                     then the answer written to all three off the response path;
//        hit-memory — P1…Pn again, same isolate;
//        hit-redis  — the isolate restarted (memory empty), P1…Pn again;
//        hit-kv     — restarted again and Redis flushed, P1…Pn again.
//      Every row answers distinct prompts (a hit back-fills the faster layers, so one prompt can
//      be a Redis or KV hit only once per restart). A request counts when it is a 200 with the
//      expected `x-gateway-cache`; anything else is listed, not timed.
//   2. memory hits saturated: autocannon at BENCH_CACHE_CONNECTIONS (1,8,32) connections for
//      BENCH_CACHE_SAT_SECONDS (3) s each, one body for every request (so all hit memory after the
//      first), checked against the gateway's own log lines.
//   3. cost on a repeated-intent workload: BENCH_CACHE_ZIPF_REQUESTS (600) requests drawn from a
//      Zipf distribution (s = BENCH_CACHE_ZIPF_S, 1.1) over BENCH_CACHE_ZIPF_PROMPTS (200) prompts,
//      seed BENCH_CACHE_ZIPF_SEED (42), at concurrency BENCH_CACHE_ZIPF_CONCURRENCY (4), temperature
//      0, the same sequence twice: with `gateway: {cache: "bypass"}`, and with the cache — the
//      latter restarting the isolate BENCH_CACHE_ZIPF_RESTARTS (2) times at even intervals (as
//      isolates come and go in production; memory is lost, Redis and KV are not). Cost = sum of
//      `x-gateway-cost-usd` (absent on hits = 0); upstream calls = the sim's own count.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import type { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from '@upstash/redis';
import { TENANT_KEY, TEST_BINDINGS, testConfig } from '../test/harness/config.ts';
import { startGateway } from '../test/harness/gateway.ts';
import type { Gateway } from '../test/harness/gateway.ts';
import { startRedis, startUpstashBridge } from '../test/harness/redis.ts';
import type { RedisServer, UpstashBridge } from '../test/harness/redis.ts';
import { keepAliveAgent } from './client.ts';
import { childPids } from './procstat.ts';
import { runSaturated } from './saturate.ts';
import type { SaturatedResult } from './saturate.ts';
import type { SimProcess } from './sim.ts';
import { summarize } from './stats.ts';
import type { Summary } from './stats.ts';

export interface CacheSettings {
  /** Requests per latency row. */
  requests: number;
  /** The sim's first-token delay for every timed request of the phase (misses and bypasses). */
  firstTokenMs: number;
  tokens: number;
  connections: number[];
  satSeconds: number;
  zipf: { requests: number; prompts: number; s: number; seed: number; concurrency: number; restarts: number };
}

export type CacheRowName = 'bypass' | 'miss' | 'hit-memory' | 'hit-redis' | 'hit-kv';

export interface CacheLatencyRow {
  row: CacheRowName;
  requests: number;
  /** Client latency (send → body read) of the requests that came back as expected. */
  latencyMs: Summary;
  /** "200 hit-redis", "200 miss", "error: …" */
  outcomes: Record<string, number>;
  /** The gateway's own log over the row (workerd's clock, which only advances on I/O). */
  gatewayMs: { duration: Summary; cacheLookup: Summary };
  /** HTTP requests the Upstash bridge received per request (lookups, and writes off the response path). */
  redisCallsPerRequest: number;
  raw: number[];
}

export interface CacheSaturatedResult extends SaturatedResult {
  /** `cache` of the gateway's log lines over the run (hit-memory, miss…). */
  logged: Record<string, number>;
}

export interface ZipfRun {
  mode: 'bypass' | 'cache';
  requests: number;
  /** 200s. */
  ok: number;
  outcomes: Record<string, number>;
  /** By `x-gateway-cache`. */
  layers: Record<string, number>;
  /** Hits that were answered by joining an identical request in flight (reported as hit-memory). */
  coalesced: number;
  upstreamCalls: number;
  costUsd: number;
  /** Responses whose cost did not match their cache status (a hit with a cost, a miss without). */
  costAnomalies: number;
  wallS: number;
  latencyMs: Summary;
  /** Isolate restarts during the run, and how long each took. */
  restartsMs: number[];
}

export interface CacheResult {
  settings: CacheSettings;
  latency: CacheLatencyRow[];
  restartMs: number[];
  saturated: CacheSaturatedResult[];
  zipf: {
    /** Distinct prompts in the drawn sequence: each must be paid for once. */
    distinct: number;
    /** The best hit rate any cache could reach on this sequence: 1 − distinct / requests. */
    ceiling: number;
    runs: ZipfRun[];
    costSavedPct: number;
    upstreamSavedPct: number;
  };
}

const TOKEN = 'bench-cache-token';
const MODEL = 'sim-small';
const SCOPE = 'east'; // sim-small's endpoint in testConfig
const TIMEOUT_MS = 10_000;
const WARM = 30;
const SETTLE_MS = 300; // background writes land after the response

interface Reply {
  sentAt: number;
  ms?: number;
  status: number;
  cache?: string;
  costHeader?: string;
  bodyCost?: unknown;
  error?: string;
}

function ask(agent: Agent, url: string, body: string): Promise<Reply> {
  return new Promise((resolve) => {
    const r: Reply = { sentAt: performance.now(), status: 0 };
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      if (error) r.error = error;
      else r.ms = performance.now() - r.sentAt;
      resolve(r);
    };
    const req = request(url, {
      method: 'POST',
      agent,
      headers: { authorization: `Bearer ${TENANT_KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`timeout after ${TIMEOUT_MS} ms`)));
    req.on('error', (err) => finish(err.message));
    req.on('response', (res) => {
      r.status = res.statusCode ?? 0;
      r.cache = res.headers['x-gateway-cache'] as string | undefined;
      r.costHeader = res.headers['x-gateway-cost-usd'] as string | undefined;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (part: string) => (text += part));
      res.on('end', () => {
        if (r.status !== 200) return finish();
        try {
          r.bodyCost = (JSON.parse(text) as { gateway?: { cost_usd?: unknown } }).gateway?.cost_usd;
          finish();
        } catch {
          finish('invalid JSON');
        }
      });
      res.on('error', (err) => finish(err.message));
      res.on('aborted', () => finish('response aborted'));
    });
    req.end(body);
  });
}

const outcome = (r: Reply) => (r.error ? `error: ${r.error}` : `${r.status} ${r.cache ?? '(no x-gateway-cache)'}`);

function tally<T>(items: readonly T[], key: (x: T) => string | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const x of items) {
    const k = key(x);
    if (k !== undefined) counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

const chat = (content: string, bypass = false) =>
  JSON.stringify({ model: MODEL, temperature: 0, messages: [{ role: 'user', content }], ...(bypass ? { gateway: { cache: 'bypass' } } : {}) });

// ---------------------------------------------------------------------------------------------
// Zipf: a deterministic sequence of prompt ranks.

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` draws of a rank in [0, prompts) with P(k) ∝ 1 / (k+1)^s. */
export function zipfSequence(n: number, prompts: number, s: number, seed: number): number[] {
  const cdf: number[] = [];
  let sum = 0;
  for (let k = 1; k <= prompts; k++) cdf.push((sum += 1 / k ** s));
  const rand = prng(seed);
  return Array.from({ length: n }, () => {
    const u = rand() * sum;
    let lo = 0;
    let hi = prompts - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
}

const TOPICS = [
  'rotate API keys without downtime', 'size a connection pool', 'find a memory leak in a Node service', 'pick a partition key',
  'set retry budgets', 'debug a slow SQL query', 'roll back a bad deploy', 'shard a Redis cluster', 'cache HTTP responses safely',
  'write an idempotent webhook handler', 'tune garbage collection', 'migrate a table with no downtime', 'choose between queues and streams',
  'set SLOs for an API', 'reduce cold starts', 'trace a request across services', 'handle clock skew', 'paginate a large result set',
  'rate limit per tenant', 'store secrets in CI',
];
/** Prompt k of the workload: distinct text, lengths that vary a little. */
const zipfPrompt = (k: number) =>
  `Q${k}: how do I ${TOPICS[k % TOPICS.length]}${k >= TOPICS.length ? ` for service ${Math.floor(k / TOPICS.length)}` : ''}? Keep it short.`;

// ---------------------------------------------------------------------------------------------

export interface CacheDeps {
  log: (msg: string) => void;
}

export async function runCache(sim: SimProcess, deps: CacheDeps, s: CacheSettings): Promise<CacheResult> {
  const { log } = deps;
  const others = new Set(childPids(process.pid, 'workerd'));
  const ours = () => childPids(process.pid, 'workerd').filter((p) => !others.has(p));
  let redis: RedisServer | undefined;
  let bridge: UpstashBridge | undefined;
  let gateway: Gateway | undefined;
  const persist = mkdtempSync(join(tmpdir(), 'bench-cache-kv-'));
  const removePersist = () => rmSync(persist, { recursive: true, force: true });
  process.once('exit', removePersist); // should the run be interrupted
  const agent = keepAliveAgent();
  try {
    redis = await startRedis();
    bridge = await startUpstashBridge(redis.port, { token: TOKEN });
    const config = testConfig({ providerUrl: sim.url });
    const bindings = { ...TEST_BINDINGS, UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: TOKEN };
    gateway = await startGateway(config, bindings, { persist, noAssets: true });
    const gw = gateway;
    const br = bridge;
    const url = `${gw.url}/v1/chat/completions`;
    log(`cache: redis-server on port ${redis.port}, Upstash bridge at ${bridge.url}, gateway at ${gw.url} (workerd ${ours().join(',')}), KV in ${persist}`);
    const flushRedis = () => new Redis({ url: br.url, token: TOKEN, enableTelemetry: false }).flushall();

    const restartMs: number[] = [];
    const restart = async () => {
      await sleep(SETTLE_MS); // let the last background writes land first
      const t = performance.now();
      await gw.setConfig(config, bindings);
      restartMs.push(performance.now() - t);
    };
    const faults = async (firstTokenMs: number) => {
      await sim.reset();
      await sim.setFaults(SCOPE, { firstTokenMs, interTokenMs: 0, tokens: s.tokens });
    };
    const sequential = async (bodies: string[]) => {
      const replies: Reply[] = [];
      for (const b of bodies) replies.push(await ask(agent, url, b));
      return replies;
    };
    const expectAll = (what: string, replies: Reply[], status?: string) => {
      const bad = replies.filter((r) => r.error || r.status !== 200 || (status && r.cache !== status));
      if (bad.length) throw new Error(`cache ${what}: ${JSON.stringify(tally(replies, outcome))}`);
    };

    // Warm-up, at the sim's full speed: the cache paths, and prompts W0… in every layer for the
    // warm-ups after each restart (so no timed request is a fresh isolate's first).
    await faults(0);
    const warm = Array.from({ length: WARM }, (_, i) => `cache warm-up ${i}: explain circuit breakers`);
    expectAll('warm-up misses', await sequential(warm.map((p) => chat(p))), 'miss');
    expectAll('warm-up bypasses', await sequential(warm.map((p) => chat(`${p} (bypass)`, true))), 'bypass');
    await sleep(SETTLE_MS);
    expectAll('warm-up memory hits', await sequential(warm.map((p) => chat(p))), 'hit-memory');

    // 1. Latency per layer.
    await faults(s.firstTokenMs);
    const prompts = Array.from({ length: s.requests }, (_, i) => `cache latency ${i}: explain circuit breakers`);
    const latency: CacheLatencyRow[] = [];
    const row = async (name: CacheRowName, bodies: string[]) => {
      log(`cache latency ${name}: ${bodies.length} requests, sequential`);
      const logsBefore = gw.requestLogs().length;
      const bridgeBefore = br.requests;
      const replies = await sequential(bodies);
      await sleep(SETTLE_MS); // log lines and background writes
      const logs = gw.requestLogs().slice(logsBefore);
      const good = replies.filter((r) => !r.error && r.status === 200 && r.cache === name);
      const stage = (f: (l: Record<string, unknown>) => unknown) => summarize(logs.map(f).filter((v): v is number => typeof v === 'number'));
      latency.push({
        row: name,
        requests: replies.length,
        latencyMs: summarize(good.map((r) => r.ms!)),
        outcomes: tally(replies, outcome),
        gatewayMs: {
          duration: stage((l) => l.duration_ms),
          cacheLookup: stage((l) => (l.stages as Record<string, unknown> | undefined)?.cache),
        },
        redisCallsPerRequest: (br.requests - bridgeBefore) / replies.length,
        raw: replies.map((r) => (r.ms === undefined || r.cache !== name ? -1 : Math.round(r.ms * 100) / 100)),
      });
    };
    await row('bypass', prompts.map((p) => chat(`${p} (bypass)`, true)));
    await row('miss', prompts.map((p) => chat(p)));
    await row('hit-memory', prompts.map((p) => chat(p)));
    await restart();
    log(`cache: isolate restarted (${restartMs.at(-1)!.toFixed(0)} ms); warming it on Redis hits`);
    expectAll('warm-up Redis hits', await sequential(warm.slice(0, WARM / 2).map((p) => chat(p))), 'hit-redis');
    await row('hit-redis', prompts.map((p) => chat(p)));
    await restart();
    await flushRedis();
    log(`cache: isolate restarted (${restartMs.at(-1)!.toFixed(0)} ms), Redis flushed; warming it on KV hits`);
    expectAll('warm-up KV hits', await sequential(warm.slice(WARM / 2).map((p) => chat(p))), 'hit-kv');
    await row('hit-kv', prompts.map((p) => chat(p)));

    // 2. Memory hits, saturated: one body throughout.
    const satBody = chat('cache saturated: explain circuit breakers');
    await ask(agent, url, satBody);
    const saturated: CacheSaturatedResult[] = [];
    for (const c of s.connections) {
      await sleep(SETTLE_MS);
      const check = await ask(agent, url, satBody); // keeps the entry in memory (a Redis hit back-fills it)
      if (check.error || check.status !== 200) throw new Error(`cache saturated check: ${outcome(check)}`);
      log(`cache saturated hit-memory: ${c} connections × ${s.satSeconds} s`);
      const logsBefore = gw.requestLogs().length;
      const result = await runSaturated({ name: 'gateway (hit-memory)', url, headers: { authorization: `Bearer ${TENANT_KEY}` } }, c, s.satSeconds,
        { workerd: ours(), loadgen: [] }, { body: satBody });
      await sleep(200);
      saturated.push({ ...result, logged: tally(gw.requestLogs().slice(logsBefore), (l) => String(l.cache)) });
    }

    // 3. Cost on a repeated-intent workload.
    const z = s.zipf;
    const sequence = zipfSequence(z.requests, z.prompts, z.s, z.seed);
    const distinct = new Set(sequence).size;
    const runs: ZipfRun[] = [];
    for (const mode of ['bypass', 'cache'] as const) {
      await faults(s.firstTokenMs);
      const segments = mode === 'cache' ? z.restarts + 1 : 1;
      log(`cache zipf ${mode}: ${z.requests} requests over ${distinct} distinct prompts, concurrency ${z.concurrency}` +
        (segments > 1 ? `, isolate restarted ${segments - 1}×` : ''));
      const logsBefore = gw.requestLogs().length;
      const replies: Reply[] = [];
      const restartsMs: number[] = [];
      const deadline = Date.now() + 30_000 + (z.requests / z.concurrency) * (s.firstTokenMs + 100) * 3;
      const t0 = performance.now();
      for (let seg = 0; seg < segments; seg++) {
        if (seg > 0) {
          await restart();
          restartsMs.push(restartMs.at(-1)!);
        }
        const end = Math.round(((seg + 1) * sequence.length) / segments);
        let next = Math.round((seg * sequence.length) / segments);
        const worker = async () => {
          while (next < end && Date.now() < deadline) replies.push(await ask(agent, url, chat(zipfPrompt(sequence[next++]!), mode === 'bypass')));
        };
        await Promise.all(Array.from({ length: z.concurrency }, worker));
      }
      const wallS = (performance.now() - t0 - restartsMs.reduce((a, b) => a + b, 0) - restartsMs.length * SETTLE_MS) / 1000;
      await sleep(SETTLE_MS);
      const calls = await sim.providerCalls();
      const ok = replies.filter((r) => !r.error && r.status === 200);
      const isHit = (r: Reply) => r.cache?.startsWith('hit-') ?? false;
      runs.push({
        mode,
        requests: replies.length,
        ok: ok.length,
        outcomes: tally(replies, outcome),
        layers: tally(ok, (r) => r.cache ?? 'none'),
        coalesced: gw.requestLogs().slice(logsBefore).filter((l) => l.cache_coalesced === true).length,
        upstreamCalls: calls.filter((c) => c.scope === SCOPE).length,
        costUsd: ok.reduce((sum, r) => sum + (r.costHeader === undefined ? 0 : Number(r.costHeader)), 0),
        costAnomalies: ok.filter((r) => (isHit(r) ? r.costHeader !== undefined || r.bodyCost !== 0 : r.costHeader === undefined || !(Number(r.costHeader) > 0))).length,
        wallS,
        latencyMs: summarize(ok.map((r) => r.ms!)),
        restartsMs,
      });
    }
    await sim.reset();
    const [bypass, cached] = runs as [ZipfRun, ZipfRun];
    return {
      settings: s,
      latency,
      restartMs,
      saturated,
      zipf: {
        distinct,
        ceiling: 1 - distinct / z.requests,
        runs,
        costSavedPct: bypass.costUsd ? (100 * (bypass.costUsd - cached.costUsd)) / bypass.costUsd : NaN,
        upstreamSavedPct: bypass.upstreamCalls ? (100 * (bypass.upstreamCalls - cached.upstreamCalls)) / bypass.upstreamCalls : NaN,
      },
    };
  } finally {
    agent.destroy();
    // Each step on its own: a failure here must not hide the error that brought us here.
    const steps: Array<[string, (() => Promise<void>) | undefined]> = [
      ['sim', () => sim.reset()],
      ['cache gateway', gateway && (() => gateway!.close())],
      ['Upstash bridge', bridge && (() => bridge!.close())],
      ['redis-server', redis && (() => redis!.stop())],
    ];
    for (const [name, step] of steps) {
      if (!step) continue;
      try {
        await Promise.race([step(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 10_000).unref())]);
      } catch (err) {
        log(`cache: closing ${name} failed: ${(err as Error).message}`);
      }
    }
    removePersist();
    process.off('exit', removePersist);
  }
}
