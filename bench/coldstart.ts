// Bundle size and isolate start (bench phase 8; issue #14): the deploy bundle's size, raw and gzip,
// measured as `npm run bundle:size` measures it (scripts/bundle-size.ts: `wrangler deploy --dry-run`
// into a temporary folder), against the issue's goal; then what a new isolate costs before it
// answers — for the floor (bench/floor-worker.js) and the gateway (the built worker, as deployed) —
// and the size of the script it parses.
//
//   npm run bench -- --only coldstart   (this phase alone, the raw figures in bench/results/)
//   npm run bench:coldstart             (the same phase and report, printed only)
//
// Each run starts a fresh workerd through the Miniflare API (options prepared beforehand, so only
// the runtime is timed) and measures (a) `new Miniflare(…)` → `ready`: workerd up, the script
// parsed and its top level run; (b) the first request after ready, read to the end: the sim
// answering a non-stream chat completion at once, through everything the path does on a first
// request (the gateway parses its config then); (c) the two together. Then it is disposed. Floor and
// gateway alternate (which goes first alternates too), so they share the machine's noise; one
// untimed start of each path comes first (the OS's file cache). BENCH_COLDSTART_RUNS (10) runs per
// path; BENCH_COLDSTART_SCRIPT starts another build of the gateway instead of .build/worker/index.js
// (an older commit's, to compare; keep it inside the project folder: one under /tmp failed to start)
// — the bundle size is still the current tree's.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { declaredWorkerOptions } from '../test/harness/worker-options.ts';
import { bundleSize, formatBundle } from '../scripts/bundle-size.ts';
import type { BundleSize } from '../scripts/bundle-size.ts';
import { TENANT_KEY, TEST_BINDINGS, testConfig } from '../test/harness/config.ts';
import { BUILD_DIR, ROOT } from '../test/harness/paths.ts';
import { chatBody } from './client.ts';
import type { SimProcess } from './sim.ts';
import { summarize } from './stats.ts';
import type { Summary } from './stats.ts';

export interface ScriptSize {
  file: string;
  raw: number;
  gzip: number;
}

export interface ColdStartPath {
  path: 'floor' | 'gateway';
  script: ScriptSize;
  readyMs: Summary;
  firstRequestMs: Summary;
  totalMs: Summary;
  /** Runs whose first request did not answer 200 (not timed). */
  failed: number;
}

export interface ColdStartResult {
  runs: number;
  paths: ColdStartPath[];
}

export interface ColdStartTargets {
  /** The sim's OpenAI-compatible base for the floor (`…/s/east/v1`), its delays set to 0 by the caller. */
  upstream: string;
  /** GATEWAY_CONFIG and the other bindings the gateway starts with. */
  gatewayConfig: unknown;
  gatewayBindings: Record<string, string>;
  /** The gateway's tenant key. */
  tenantKey: string;
  log: (msg: string) => void;
}

/** Issue #14: "Bundle ≤ 300 KB minified" — read as 300 KiB, 300 × 1024 = 307,200 B of minified upload (raw, not gzip). */
export const BUNDLE_GOAL_BYTES = 300 * 1024;

/** What the phase saves in the results JSON. */
export interface ColdStartPhaseResult {
  bundle: BundleSize & { goalBytes: number };
  isolateStart: ColdStartResult;
}

export interface ColdStartContext {
  sim: Pick<SimProcess, 'url' | 'originUrl'>;
  /** The sim scope of the gateway's endpoint in testConfig; the floor forwards there too. */
  scope: string;
  /** Sets the sim to answer at once. */
  prepareSim(): Promise<void>;
  log(msg: string): void;
}

/** BENCH_COLDSTART_RUNS (10): timed starts per path. */
export function coldStartRuns(): number {
  const runs = Number(process.env.BENCH_COLDSTART_RUNS || 10);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`BENCH_COLDSTART_RUNS must be a whole number ≥ 1, got "${process.env.BENCH_COLDSTART_RUNS}"`);
  return runs;
}

const FLOOR_SCRIPT = fileURLToPath(new URL('./floor-worker.js', import.meta.url));
const GATEWAY_SCRIPT = process.env.BENCH_COLDSTART_SCRIPT || `${BUILD_DIR}/index.js`;

export function scriptSize(file: string): ScriptSize {
  const bytes = readFileSync(file);
  return { file: file.startsWith(ROOT) ? file.slice(ROOT.length + 1) : file, raw: bytes.length, gzip: gzipSync(bytes).length };
}

type Options = ConstructorParameters<typeof Miniflare>[0];

/** Miniflare options for each path, as bench/floor.ts and test/harness/gateway.ts build them. */
function options(t: ColdStartTargets): Record<'floor' | 'gateway', Options> {
  // Without Miniflare's asset router, as the bench's paths run the gateway (worker-options.ts).
  const declared = declaredWorkerOptions({ assets: false });
  const base = { host: '127.0.0.1', port: 0, handleStructuredLogs: () => {} };
  const v4 = (o: unknown) => convertV4MiniflareOptions(o as Parameters<typeof convertV4MiniflareOptions>[0]);
  return {
    floor: v4({
      ...base,
      workers: [{ compatibilityDate: declared.compatibilityDate, compatibilityFlags: declared.compatibilityFlags, modules: true, scriptPath: FLOOR_SCRIPT, bindings: { UPSTREAM: t.upstream } }],
    }),
    gateway: v4({
      ...base,
      workers: [{
        ...declared,
        name: 'gateway',
        modules: true,
        scriptPath: GATEWAY_SCRIPT,
        bindings: { ...(declared.bindings ?? {}), ...t.gatewayBindings, GATEWAY_CONFIG: JSON.stringify(t.gatewayConfig) },
      }],
    }),
  };
}

interface Sample {
  readyMs: number;
  firstRequestMs: number;
  status: number;
}

async function startOnce(opts: Options, url: (base: string) => { href: string; headers: Record<string, string> }, id: string): Promise<Sample> {
  const t0 = performance.now();
  const mf = new Miniflare(opts);
  try {
    const base = (await mf.ready).toString().replace(/\/$/, '');
    const t1 = performance.now();
    const target = url(base);
    const res = await fetch(target.href, {
      method: 'POST',
      headers: { ...target.headers, 'content-type': 'application/json' },
      body: chatBody(`coldstart-${id}`),
    });
    await res.arrayBuffer();
    const t2 = performance.now();
    return { readyMs: t1 - t0, firstRequestMs: t2 - t1, status: res.status };
  } finally {
    await mf.dispose();
  }
}

export async function runColdStart(t: ColdStartTargets, runs: number): Promise<ColdStartResult> {
  const opts = options(t);
  const request = {
    floor: (base: string) => ({ href: `${base}/v1/chat/completions`, headers: {} }),
    gateway: (base: string) => ({ href: `${base}/v1/chat/completions`, headers: { authorization: `Bearer ${t.tenantKey}` } }),
  };
  const samples: Record<'floor' | 'gateway', Sample[]> = { floor: [], gateway: [] };
  t.log('isolate start: one untimed start of each path');
  for (const path of ['floor', 'gateway'] as const) {
    const s = await startOnce(opts[path], request[path], `${path}-warm`);
    if (s.status !== 200) throw new Error(`isolate start: the ${path}'s first request answered ${s.status}`);
  }
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? (['floor', 'gateway'] as const) : (['gateway', 'floor'] as const);
    for (const path of order) samples[path].push(await startOnce(opts[path], request[path], `${path}-${i}`));
    t.log(`isolate start: run ${i + 1}/${runs} — floor ${fmt(samples.floor.at(-1)!)}, gateway ${fmt(samples.gateway.at(-1)!)}`);
  }
  const scripts = { floor: scriptSize(FLOOR_SCRIPT), gateway: scriptSize(GATEWAY_SCRIPT) };
  return {
    runs,
    paths: (['floor', 'gateway'] as const).map((path) => {
      const good = samples[path].filter((s) => s.status === 200);
      return {
        path,
        script: scripts[path],
        readyMs: summarize(good.map((s) => s.readyMs)),
        firstRequestMs: summarize(good.map((s) => s.firstRequestMs)),
        totalMs: summarize(good.map((s) => s.readyMs + s.firstRequestMs)),
        failed: samples[path].length - good.length,
      };
    }),
  };
}

const fmt = (s: Sample) => `${s.readyMs.toFixed(0)} + ${s.firstRequestMs.toFixed(0)} ms${s.status === 200 ? '' : ` (HTTP ${s.status})`}`;

/** The phase: the deploy bundle's size (a build of its own, as `npm run bundle:size`), then isolate start of floor and gateway. */
export async function runColdStartPhase(ctx: ColdStartContext, runs: number): Promise<ColdStartPhaseResult> {
  ctx.log('bundle: wrangler deploy --dry-run into a temporary folder (as npm run bundle:size)');
  const bundle = await bundleSize();
  ctx.log(`bundle: ${formatBundle(bundle)}`);
  await ctx.prepareSim();
  const isolateStart = await runColdStart({
    upstream: `${ctx.sim.url}/s/${ctx.scope}/v1`,
    gatewayConfig: testConfig({ providerUrl: ctx.sim.url, originUrl: ctx.sim.originUrl }),
    gatewayBindings: TEST_BINDINGS,
    tenantKey: TENANT_KEY,
    log: ctx.log,
  }, runs);
  return { bundle: { ...bundle, goalBytes: BUNDLE_GOAL_BYTES }, isolateStart };
}

// Alone: build, start the sim, measure, print (bench/run.ts does the same within its run).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { default: buildWorker } = await import('../test/harness/build-worker.ts');
  const { spawnSim } = await import('./sim.ts');
  const { cleanupRegistry } = await import('./cleanup.ts');
  const { renderColdStartPhase } = await import('./report.ts');
  const log = (msg: string) => process.stderr.write(`[coldstart ${(performance.now() / 1000).toFixed(1)}s] ${msg}\n`);
  const cleanups = cleanupRegistry('coldstart', log);
  let exitCode = 0;
  try {
    const runs = coldStartRuns();
    log('building the worker (wrangler deploy --dry-run)');
    await buildWorker();
    const sim = await spawnSim();
    cleanups.add('sim', sim.close);
    const scope = 'east';
    // As phases 1–2 of bench/run.ts: 20 tokens, no delays.
    const result = await runColdStartPhase({ sim, scope, prepareSim: () => sim.setFaults(scope, { firstTokenMs: 0, interTokenMs: 0, tokens: 20 }), log }, runs);
    await cleanups.run();
    process.stdout.write(`${renderColdStartPhase(result).join('\n')}\n`);
  } catch (err) {
    console.error('coldstart failed:', err);
    exitCode = 1;
  } finally {
    await cleanups.run();
  }
  process.exit(exitCode);
}
