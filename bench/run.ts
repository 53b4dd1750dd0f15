// Benchmark: what the gateway costs over calling the provider directly, and over the least any
// worker in the same runtime can cost.
//
//   npm run bench     (= node bench/run.ts; Node ≥ 22.18 runs the .ts: put node_modules/.bin first
//                      on PATH for the bundled Node 22; about 11 minutes with the defaults, 10 without the peer)
//   npm run bench -- --only observability    (phase 7 alone: about 4 minutes)
//   npm run bench -- --only paths            (phases 1–3 alone: the four paths side by side)
//   npm run bench -- --only memory           (phase 4 alone: about 1 minute)
//   npm run bench -- --only coldstart        (phase 8 alone: bundle size and isolate start, about 15 s)
//   npm run bench:peer:install               (once: installs the peer into bench/peer/, apart from
//                                             the project's dependencies; without it the bench skips
//                                             the peer, loudly)
//
// One simulated provider and origin (`node sim/main.ts`, its own process, ephemeral ports) and four
// paths to the provider, all on 127.0.0.1 and all to the sim's `east` scope:
//   direct  — the sim itself;
//   floor   — bench/floor-worker.js, a pass-through worker, in workerd via Miniflare (bench/floor.ts);
//   gateway — the worker as `wrangler deploy` builds it, via test/harness/gateway.ts;
//   peer    — the Portkey AI gateway from npm (bench/peer.ts), a Node process of its own, told per
//             request to forward to the same sim (`x-portkey-provider: openai`, `x-portkey-custom-host`).
// Phases, each path back to back within the phase so they share the machine's current noise:
//   1. paced latency, non-stream: open loop at each of BENCH_RATE req/s (50,200) for BENCH_SECONDS
//      (10) s; latency = response fully read − actual send; plus "direct (SSE)" as a reference
//      (the sim streaming, as the gateway always asks it to) at the first rate;
//   2. saturated throughput, non-stream: autocannon at BENCH_CONNECTIONS (1,8,32) connections,
//      BENCH_SAT_SECONDS (5) s each; req/s, p50/p99, and CPU ms per request of the path's server
//      (workerd, or the peer's Node process), the sim and this process from /proc/<pid>/stat, the
//      server's RSS from /proc/<pid>/status; plus two reference rows, floor variants in workerd
//      (bench/floor.ts): "floor (SSE)" (bench/floor-sse-worker.js: asks the sim to stream and reads
//      every event, as a worker that watches each token must) and "floor + asset router" (the floor
//      behind the Static Assets router Miniflare runs for a worker with [assets], as the gateway's
//      wrangler.toml has: what `wrangler dev` adds, and Cloudflare runs outside the worker; the
//      gateway runs without it in every phase, test/harness/worker-options.ts);
//   3. time to first byte, stream: BENCH_TTFB_REQUESTS (200) at concurrency BENCH_TTFB_CONCURRENCY
//      (4) with the sim's first token delayed BENCH_TTFB_FIRST_TOKEN_MS (100) ms;
//   4. memory under slow streams (bench/memory.ts): per path (floor, gateway, peer), on a fresh server
//      of its own (checked, warmed up, closed after), BENCH_MEM_STREAMS (50) `stream: true` requests
//      at once, each paced by the sim — first token BENCH_MEM_FIRST_TOKEN_MS (100) ms, then one every
//      BENCH_MEM_INTER_TOKEN_MS (100) ms, BENCH_MEM_TOKENS (100) in all, ≈10 s — and read chunk by
//      chunk to the end; the server's RSS (its workerd, or the peer's Node process) sampled every
//      BENCH_MEM_SAMPLE_MS (100) ms from BENCH_MEM_IDLE_MS (1000) ms before the streams to
//      BENCH_MEM_SETTLE_MS (2000) ms after the last one ended: idle (median), peak, added = peak − idle,
//      after, settled; the gateway's budgets raised to let its streams end (memoryBudgets). About 45 s.
//   5. fan-out TTFT, stream (bench/fanout.ts): BENCH_FANOUT_REQUESTS (100) per path at concurrency
//      BENCH_FANOUT_CONCURRENCY (4), the origin's /retrieve taking BENCH_FANOUT_RETRIEVAL_MS (300)
//      and /tools/search BENCH_FANOUT_TOOLS_MS (400), the sim's first token BENCH_FANOUT_FIRST_TOKEN_MS
//      (100): serial and parallel client-side orchestration straight to the sims, against the
//      gateway's own fan-out (the gateway's config names the origin from the start; a request
//      without the `gateway` extension never touches it, so phases 1–3 are unaffected);
//   6. response cache (bench/cache.ts), on a gateway of its own with Redis (redis-server behind the
//      test Upstash-REST bridge, started for this phase only) and a persisted local KV:
//      latency of a miss and of a hit in each layer (memory, Redis, KV), BENCH_CACHE_REQUESTS (100)
//      sequential requests per row, the sim's first token BENCH_CACHE_FIRST_TOKEN_MS (100) ms; memory
//      hits saturated with autocannon at BENCH_CACHE_CONNECTIONS (1,8,32) × BENCH_CACHE_SAT_SECONDS
//      (3) s; and the cost of a repeated-intent workload — BENCH_CACHE_ZIPF_REQUESTS (600) requests,
//      Zipf (s = BENCH_CACHE_ZIPF_S, 1.1) over BENCH_CACHE_ZIPF_PROMPTS (200) prompts, seed
//      BENCH_CACHE_ZIPF_SEED (42), concurrency BENCH_CACHE_ZIPF_CONCURRENCY (4) — with and without
//      the cache, the cached run restarting the isolate BENCH_CACHE_ZIPF_RESTARTS (2; 0 allowed) times.
//   7. observability (bench/observability.ts): what OTLP trace export and the stats shipping cost a
//      request, and what their failures cost — one gateway per variant (off, export, stats, both,
//      collector down, collector slow, stats object throwing, stats object hanging), each its own
//      workerd, BENCH_OBS_ROUNDS (3) rounds in alternating order of: paced at BENCH_OBS_RATE (50)
//      req/s × BENCH_OBS_SECONDS (5) s, and saturated at BENCH_OBS_CONNECTIONS (4) connections ×
//      BENCH_OBS_SAT_SECONDS (3) s with workerd CPU per request; `stats.flushMs` BENCH_OBS_FLUSH_MS
//      (2000); each figure the median of the rounds. About 4 minutes. Alone: `npm run bench -- --only observability` (or BENCH_ONLY=observability).
//   8. bundle size and isolate start (bench/coldstart.ts, issue #14): the deploy bundle, raw and gzip,
//      built as `npm run bundle:size` builds it (scripts/bundle-size.ts: its own `wrangler deploy
//      --dry-run` into a temporary folder), against the goal of ≤ 300 KB minified (read as 300 KiB,
//      307,200 B), met or not; then BENCH_COLDSTART_RUNS (10) fresh workerd processes per path, floor
//      and gateway alternating after one untimed start of each: `new Miniflare(…)` → ready (script
//      parsed, top level run), then a first non-stream request; p50/max and gateway ÷ floor. About 10 s
//      (15 s alone, with the build). Alone: `npm run bench -- --only coldstart` (`npm run bench:coldstart` prints the same).
// The sim answers BENCH_TOKENS (20) tokens with no delays in phases 1–2. Every prompt is unique
// (and none is cacheable: no temperature 0) outside phase 6.
// Prints markdown tables to stdout (progress to stderr) and saves the raw figures to
// bench/results/<ISO timestamp>.json. The machine is small and shared: compare within a run.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import buildWorker from '../test/harness/build-worker.ts';
import { TENANT_KEY, TEST_BINDINGS, testConfig } from '../test/harness/config.ts';
import { startGateway } from '../test/harness/gateway.ts';
import { declaredWorkerOptions } from '../test/harness/worker-options.ts';
import { ROOT } from '../test/harness/paths.ts';
import { keepAliveAgent } from './client.ts';
import type { Target } from './client.ts';
import { startFloor, type FloorOptions } from './floor.ts';
import { peerMissing, peerVersion, startPeer, PEER_INSTALL } from './peer.ts';
import { checkAndWarm, runPaced } from './paced.ts';
import type { PacedResult } from './paced.ts';
import { rssMiB, workerdWatcher } from './procstat.ts';
import { FLOOR_ROUTED, FLOOR_SSE, renderReport } from './report.ts';
import type { BenchResults } from './report.ts';
import { runSaturated } from './saturate.ts';
import type { SaturatedResult } from './saturate.ts';
import { cleanupRegistry } from './cleanup.ts';
import { spawnSim } from './sim.ts';
import { stageSummary } from './stats.ts';
import type { Summary } from './stats.ts';
import { fanoutBudgets, runFanout } from './fanout.ts';
import type { FanoutSettings } from './fanout.ts';
import { runTtfb } from './ttfb.ts';
import { runCache } from './cache.ts';
import type { CacheSettings } from './cache.ts';
import type { TtfbResult } from './ttfb.ts';
import { runObservability } from './observability.ts';
import type { ObservabilitySettings } from './observability.ts';
import { memoryBudgets, runMemory } from './memory.ts';
import type { MemorySettings } from './memory.ts';
import { coldStartRuns, runColdStartPhase } from './coldstart.ts';

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  const v = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return v;
}

function list(name: string, fallback: string): number[] {
  const raw = process.env[name] || fallback;
  const values = raw.split(',').map(Number);
  if (!values.length || values.some((v) => !Number.isFinite(v) || v <= 0)) throw new Error(`${name} must be positive numbers separated by commas, got "${raw}"`);
  return values;
}

const settings = {
  rates: list('BENCH_RATE', '50,200'),
  seconds: num('BENCH_SECONDS', 10),
  connections: list('BENCH_CONNECTIONS', '1,8,32').map(Math.round),
  satSeconds: Math.round(num('BENCH_SAT_SECONDS', 5)),
  ttfbRequests: Math.round(num('BENCH_TTFB_REQUESTS', 200)),
  ttfbConcurrency: Math.round(num('BENCH_TTFB_CONCURRENCY', 4)),
  ttfbFirstTokenMs: num('BENCH_TTFB_FIRST_TOKEN_MS', 100),
  tokens: Math.round(num('BENCH_TOKENS', 20)),
};
const fanoutSettings: FanoutSettings = {
  requests: Math.round(num('BENCH_FANOUT_REQUESTS', 100)),
  concurrency: Math.round(num('BENCH_FANOUT_CONCURRENCY', 4)),
  retrievalMs: num('BENCH_FANOUT_RETRIEVAL_MS', 300),
  toolsMs: num('BENCH_FANOUT_TOOLS_MS', 400),
  firstTokenMs: num('BENCH_FANOUT_FIRST_TOKEN_MS', 100),
  tokens: settings.tokens,
};
const restarts = Number(process.env.BENCH_CACHE_ZIPF_RESTARTS || 2);
if (!Number.isInteger(restarts) || restarts < 0) throw new Error(`BENCH_CACHE_ZIPF_RESTARTS must be a whole number ≥ 0, got "${process.env.BENCH_CACHE_ZIPF_RESTARTS}"`);
const cacheSettings: CacheSettings = {
  requests: Math.round(num('BENCH_CACHE_REQUESTS', 100)),
  firstTokenMs: num('BENCH_CACHE_FIRST_TOKEN_MS', 100),
  tokens: settings.tokens,
  connections: list('BENCH_CACHE_CONNECTIONS', '1,8,32').map(Math.round),
  satSeconds: Math.round(num('BENCH_CACHE_SAT_SECONDS', 3)),
  zipf: {
    requests: Math.round(num('BENCH_CACHE_ZIPF_REQUESTS', 600)),
    prompts: Math.round(num('BENCH_CACHE_ZIPF_PROMPTS', 200)),
    s: num('BENCH_CACHE_ZIPF_S', 1.1),
    seed: Math.round(num('BENCH_CACHE_ZIPF_SEED', 42)),
    concurrency: Math.round(num('BENCH_CACHE_ZIPF_CONCURRENCY', 4)),
    restarts,
  },
};
const observabilitySettings: ObservabilitySettings = {
  rounds: Math.round(num('BENCH_OBS_ROUNDS', 3)),
  rate: num('BENCH_OBS_RATE', 50),
  seconds: num('BENCH_OBS_SECONDS', 5),
  connections: Math.round(num('BENCH_OBS_CONNECTIONS', 4)),
  satSeconds: Math.round(num('BENCH_OBS_SAT_SECONDS', 3)),
  flushMs: Math.round(num('BENCH_OBS_FLUSH_MS', 2000)),
  tokens: settings.tokens,
  ...(process.env.BENCH_OBS_VARIANTS ? { variants: process.env.BENCH_OBS_VARIANTS.split(',').map((v) => v.trim()) } : {}),
};
const memorySettings: MemorySettings = {
  streams: Math.round(num('BENCH_MEM_STREAMS', 50)),
  firstTokenMs: num('BENCH_MEM_FIRST_TOKEN_MS', 100),
  interTokenMs: num('BENCH_MEM_INTER_TOKEN_MS', 100),
  tokens: Math.round(num('BENCH_MEM_TOKENS', 100)),
  sampleMs: num('BENCH_MEM_SAMPLE_MS', 100),
  idleMs: num('BENCH_MEM_IDLE_MS', 1000),
  settleMs: num('BENCH_MEM_SETTLE_MS', 2000),
};
const coldstartRuns = coldStartRuns();
/** The phases that can run alone (`--only <phase>` or BENCH_ONLY). */
const ALONE = ['observability', 'paths', 'memory', 'coldstart'] as const;
const only = (() => {
  const at = process.argv.indexOf('--only');
  const value = at >= 0 ? process.argv[at + 1] : process.env.BENCH_ONLY || undefined;
  if (value !== undefined && !(ALONE as readonly string[]).includes(value)) throw new Error(`--only takes one of: ${ALONE.join(', ')}; got "${value}"`);
  return value as (typeof ALONE)[number] | undefined;
})();
const SCOPE = 'east'; // the scope of sim-small's endpoint in testConfig; direct and floor use it too

const log = (msg: string) => process.stderr.write(`[bench ${(performance.now() / 1000).toFixed(1)}s] ${msg}\n`);

const cleanups = cleanupRegistry('bench', log);
const cleanup = cleanups.run;

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(`${ROOT}/node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function environment(): Record<string, string | number> {
  const { compatibilityDate, compatibilityFlags } = declaredWorkerOptions();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).trim();
    if (dirty) commit += ' + uncommitted src changes';
  } catch {}
  return {
    node: process.version,
    workerd: packageVersion('workerd'),
    miniflare: packageVersion('miniflare'),
    wrangler: packageVersion('wrangler'),
    autocannon: packageVersion('autocannon'),
    peer: `@portkey-ai/gateway ${peerVersion()}`,
    compatibilityDate: String(compatibilityDate),
    compatibilityFlags: ((compatibilityFlags as string[] | undefined) ?? []).join(', ') || 'none',
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    commit,
  };
}

/** Sim timing for a phase; reset first, so the recorded calls do not pile up across phases. */
async function simFaults(sim: { reset(): Promise<void>; setFaults(s: string, f: Record<string, number>): Promise<void> }, firstTokenMs: number) {
  await sim.reset();
  await sim.setFaults(SCOPE, { firstTokenMs, interTokenMs: 0, tokens: settings.tokens });
}

async function main(): Promise<BenchResults> {
  const startedAt = new Date();
  const t0 = performance.now();
  const env = environment(); // before building: the commit is the one the bundle is made from
  log('building the worker (wrangler deploy --dry-run)');
  await buildWorker();

  const sim = await spawnSim();
  cleanups.add('sim', sim.close);
  log(`sim provider at ${sim.url}, origin at ${sim.originUrl} (pid ${sim.pid})`);
  const upstream = `${sim.url}/s/${SCOPE}/v1`;
  /** What every run saves, the phases' figures empty: those that ran add theirs. */
  const results = (): BenchResults => ({
    startedAt: startedAt.toISOString(),
    durationS: (performance.now() - t0) / 1000,
    environment: env,
    settings: { ...settings, scope: SCOPE, ...(only ? { only } : {}) },
    idleRssMiB: {},
    paced: [],
    gatewayStages: {},
    saturated: [],
    ttfb: [],
  });
  const observabilityPhase = () =>
    runObservability({ sim, prepareSim: () => simFaults(sim, 0), log, onCleanup: cleanups.add }, observabilitySettings);
  if (only === 'observability') {
    const observability = await observabilityPhase();
    return { ...results(), observability };
  }
  const coldstartPhase = () => runColdStartPhase({ sim, scope: SCOPE, prepareSim: () => simFaults(sim, 0), log }, coldstartRuns);
  if (only === 'coldstart') {
    const coldstart = await coldstartPhase();
    return { ...results(), coldstart };
  }

  // Each path's server, started: where to send, and its own processes (workerd, or the peer's Node process).
  const newWorkerd = workerdWatcher();
  const workerdOf = (name: string) => {
    const pids = newWorkerd();
    if (!pids.length) throw new Error(`could not find the workerd process Miniflare started for the ${name}`);
    return pids;
  };
  const gatewayBudgets = fanoutBudgets(fanoutSettings);
  const start = {
    floor: async () => {
      const floor = await startFloor(upstream);
      const target: Target = { name: 'floor', url: `${floor.url}/v1/chat/completions`, headers: {} };
      return { floor, target, pids: workerdOf('floor'), close: floor.close };
    },
    gateway: async (budgets: Record<string, number>) => {
      // Without Miniflare's asset router, as the worker's isolate runs in production (the floor has none either).
      const gateway = await startGateway(testConfig({ providerUrl: sim.url, originUrl: sim.originUrl, budgets }), TEST_BINDINGS, { noAssets: true });
      const target: Target = { name: 'gateway', url: `${gateway.url}/v1/chat/completions`, headers: { authorization: `Bearer ${TENANT_KEY}` } };
      return { gateway, target, pids: workerdOf('gateway'), close: gateway.close };
    },
    /** A reference row of the saturated phase (not a path): a floor variant, bench/floor.ts. */
    reference: async (name: string, opts: FloorOptions) => {
      const floor = await startFloor(upstream, opts);
      const target: Target = { name, url: `${floor.url}/v1/chat/completions`, headers: {} };
      // Closed after its phase and again at cleanup: the second time is a no-op.
      let closed: Promise<void> | undefined;
      return { target, pids: workerdOf(name), close: () => (closed ??= floor.close()) };
    },
    peer: async () => {
      const peer = await startPeer(upstream);
      const target: Target = { name: 'peer', url: `${peer.url}/v1/chat/completions`, headers: peer.headers };
      return { peer, target, pids: [peer.pid], close: peer.close };
    },
  };
  const peerSkipped = peerMissing();
  if (peerSkipped) {
    const bar = '!'.repeat(100);
    log(`${bar}\n!!! SKIPPING THE PEER: ${peerSkipped}.\n!!! The tables will have no peer rows. Install it with: ${PEER_INSTALL}\n${bar}`);
  }
  const peerInfo = peerSkipped ? { skipped: peerSkipped } : { version: peerVersion() };
  // Fresh servers of its own, one path at a time; the gateway's budgets raised to let its streams end.
  const memoryPhase = () => runMemory({
    sim,
    scope: SCOPE,
    paths: [
      { name: 'floor', start: start.floor },
      { name: 'gateway', start: () => start.gateway(memoryBudgets(memorySettings, gatewayBudgets)) },
      ...(peerSkipped ? [] : [{ name: 'peer', start: start.peer }]),
    ],
    prepareSim: () => simFaults(sim, 0),
    log,
    onCleanup: cleanups.add,
  }, memorySettings);
  if (only === 'memory') {
    const memory = await memoryPhase();
    return { ...results(), peer: peerInfo, memory };
  }

  const floor = await start.floor();
  cleanups.add('floor', floor.close);
  const gateway = await start.gateway(gatewayBudgets);
  cleanups.add('gateway', gateway.close);
  log(`floor at ${floor.floor.url} (workerd ${floor.pids.join(',')}), gateway at ${gateway.gateway.url} (workerd ${gateway.pids.join(',')})`);
  const peer = peerSkipped ? undefined : await start.peer();
  if (peer) {
    cleanups.add('peer', peer.close);
    log(`peer (@portkey-ai/gateway ${peer.peer.version}) at ${peer.peer.url} (node ${peer.peer.pid})`);
  }
  const idleRssMiB: Record<string, number> = {
    floor: floor.pids.reduce((s, p) => s + rssMiB(p), 0),
    gateway: gateway.pids.reduce((s, p) => s + rssMiB(p), 0),
    ...(peer ? { peer: rssMiB(peer.peer.pid) } : {}),
  };

  // The saturated phase's reference rows: what watching each token costs any worker, and what the
  // asset router Miniflare (and `wrangler dev`) puts in front of a worker with [assets] costs.
  const references: Array<Awaited<ReturnType<typeof start.reference>>> = [];
  for (const [name, opts] of [[FLOOR_SSE, { script: 'floor-sse-worker.js' }], [FLOOR_ROUTED, { assetRouter: true }]] as const) {
    const ref = await start.reference(name, opts);
    cleanups.add(name, ref.close);
    references.push(ref);
  }

  const direct: Target = { name: 'direct', url: `${upstream}/chat/completions`, headers: {} };
  const gatewayT = gateway.target;
  const targets = [direct, floor.target, gatewayT, ...(peer ? [peer.target] : [])];
  // The server process(es) behind each path, by role: workerd for the workers, the peer's Node process.
  const serverOf: Record<string, Record<string, number[]>> = {
    direct: { workerd: [] },
    floor: { workerd: floor.pids },
    gateway: { workerd: gateway.pids },
    ...(peer ? { peer: { peer: peer.pids } } : {}),
    ...Object.fromEntries(references.map((ref) => [ref.target.name, { workerd: ref.pids }])),
  };

  // Each path must answer a real completion before anything is timed; then a warm-up.
  await simFaults(sim, 0);
  log('checking and warming up');
  for (const t of [...targets, ...references.map((ref) => ref.target)]) await checkAndWarm(t);

  // 1. Paced latency, non-stream (plus the sim streaming, for reference).
  const paced: PacedResult[] = [];
  const gatewayStages: Record<number, Record<string, Summary>> = {};
  const directSse: Target = { ...direct, name: 'direct (SSE)' };
  for (const rate of settings.rates) {
    // The SSE reference once, at the first rate: it only says what streaming costs the sim.
    for (const t of rate === settings.rates[0] ? [direct, directSse, ...targets.slice(1)] : targets) {
      await simFaults(sim, 0);
      log(`paced ${t.name}: ${rate} req/s × ${settings.seconds} s`);
      const agent = keepAliveAgent();
      const logsBefore = t === gatewayT ? gateway.gateway.requestLogs().length : 0;
      paced.push(await runPaced(agent, t, { rate, seconds: settings.seconds, stream: t === directSse }));
      agent.destroy();
      if (t === gatewayT) {
        await new Promise((r) => setTimeout(r, 200)); // log lines are written from waitUntil
        gatewayStages[rate] = stageSummary(gateway.gateway.requestLogs().slice(logsBefore));
      }
    }
  }

  // 2. Saturated throughput, non-stream.
  const saturated: SaturatedResult[] = [];
  for (const c of settings.connections) {
    for (const t of [...targets, ...references.map((ref) => ref.target)]) {
      await simFaults(sim, 0);
      log(`saturated ${t.name}: ${c} connections × ${settings.satSeconds} s`);
      saturated.push(await runSaturated(t, c, settings.satSeconds, { ...serverOf[t.name]!, sim: [sim.pid], loadgen: [] }));
    }
  }

  // Only the saturated phase uses the reference rows: give their cores back.
  for (const ref of references) await ref.close();

  // 3. Time to first byte, stream, with a realistic first-token delay upstream.
  const ttfb: TtfbResult[] = [];
  const ttfbBudgetMs = 30_000 + (settings.ttfbRequests / settings.ttfbConcurrency) * (settings.ttfbFirstTokenMs + 50) * 2;
  for (const t of targets) {
    await simFaults(sim, settings.ttfbFirstTokenMs);
    log(`ttfb ${t.name}: ${settings.ttfbRequests} streams, concurrency ${settings.ttfbConcurrency}`);
    const agent = keepAliveAgent();
    ttfb.push(await runTtfb(agent, t, settings.ttfbRequests, settings.ttfbConcurrency, ttfbBudgetMs));
    agent.destroy();
  }
  await sim.reset();
  await peer?.close(); // the later phases do not use it: give its core back (closing again at cleanup is a no-op)
  const phases1to3 = (): BenchResults => ({ ...results(), idleRssMiB, paced, gatewayStages, saturated, ttfb, peer: peerInfo });
  if (only === 'paths') return phases1to3();

  // 4. Memory: slow streams at once against each path's fresh server, RSS sampled throughout.
  const memory = await memoryPhase();

  // 5. Fan-out TTFT: retrieval and a tool at the origin before the model, serial / parallel / gateway.
  const fanout = await runFanout(sim, {
    providerUrl: `${upstream}/chat/completions`,
    originUrl: sim.originUrl,
    gatewayUrl: gateway.gateway.url,
    gatewayHeaders: gatewayT.headers,
    tenant: 'acme', // TENANT_KEY's tenant in testConfig
    scope: SCOPE,
    gatewayLogs: () => gateway.gateway.requestLogs(),
    log,
  }, fanoutSettings, gatewayBudgets);

  // 6. Response cache: per-layer latency, memory hits saturated, cost on a Zipf workload.
  const cache = await runCache(sim, { log }, cacheSettings);

  // 7. Observability: trace export and stats on vs off, and with the collector or the stats object failing.
  const observability = await observabilityPhase();

  // 8. Bundle size and isolate start: the deploy bundle against the goal; fresh workerd per start, floor vs gateway.
  const coldstart = await coldstartPhase();

  return { ...phases1to3(), memory, fanout, cache, observability, coldstart };
}

let exitCode = 0;
try {
  const results = await main();
  await cleanup(); // before printing, so the run's end is also proven clean
  process.stdout.write(`${renderReport(results)}\n`);
  const dir = `${ROOT}/bench/results`;
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/${results.startedAt.replaceAll(':', '-')}${only ? `-${only}` : ''}.json`;
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`raw figures: ${file.slice(ROOT.length + 1)}`);
} catch (err) {
  console.error('bench failed:', err);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
