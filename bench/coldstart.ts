// Isolate start: what a new isolate costs before it answers — for the floor (bench/floor-worker.js)
// and the gateway (the built worker, as deployed) — and the size of the script it parses.
//
//   npm run bench:coldstart     (builds the worker, starts the sim, ~1 min)
//
// Each run starts a fresh workerd through the Miniflare API (options prepared beforehand, so only
// the runtime is timed) and measures (a) `new Miniflare(…)` → `ready`: workerd up, the script
// parsed and its top level run; (b) the first request after ready, read to the end: the sim
// answering a non-stream chat completion at once, through everything the path does on a first
// request (the gateway parses its config then); (c) the two together. Then it is disposed. Floor and
// gateway alternate (which goes first alternates too), so they share the machine's noise; one
// untimed start of each path comes first (the OS's file cache). BENCH_COLDSTART_RUNS (10) runs per
// path; BENCH_COLDSTART_SCRIPT starts another build of the gateway instead of .build/worker/index.js
// (an older commit's, to compare; keep it inside the project folder: one under /tmp failed to start).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { BUILD_DIR, ROOT } from '../test/harness/paths.ts';
import { chatBody } from './client.ts';
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

const FLOOR_SCRIPT = fileURLToPath(new URL('./floor-worker.js', import.meta.url));
const GATEWAY_SCRIPT = process.env.BENCH_COLDSTART_SCRIPT || `${BUILD_DIR}/index.js`;

export function scriptSize(file: string): ScriptSize {
  const bytes = readFileSync(file);
  return { file: file.startsWith(ROOT) ? file.slice(ROOT.length + 1) : file, raw: bytes.length, gzip: gzipSync(bytes).length };
}

type Options = ConstructorParameters<typeof Miniflare>[0];

/** Miniflare options for each path, as bench/floor.ts and test/harness/gateway.ts build them. */
function options(t: ColdStartTargets): Record<'floor' | 'gateway', Options> {
  const { modulesRules: _rules, ...declared } = unstable_getMiniflareWorkerOptions(`${ROOT}/wrangler.toml`).workerOptions;
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
const ms = (v: number) => (Number.isNaN(v) ? '—' : v < 10 ? v.toFixed(2) : v.toFixed(1));
const n = (v: number) => v.toLocaleString('en-US');

export function renderColdStart(c: ColdStartResult): string[] {
  const [floor, gateway] = [c.paths.find((p) => p.path === 'floor')!, c.paths.find((p) => p.path === 'gateway')!];
  const ratio = (a: number, b: number) => (b ? `${(a / b).toFixed(2)}×` : '—');
  const out = [
    `**Isolate start** — ${c.runs} fresh workerd processes per path through the Miniflare API, floor and gateway alternating. ` +
      `ready = \`new Miniflare(…)\` → \`ready\` (workerd up, the script parsed, its top level run); first request = a non-stream chat completion ` +
      `right after, read to the end (the sim answers at once); total = both. Script = the module workerd loads.`,
    '',
    '| path | script raw B | script gzip B | ready p50 | ready max | first request p50 | first request max | total p50 | total max | failed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const p of [floor, gateway]) {
    out.push(`| ${p.path} | ${n(p.script.raw)} | ${n(p.script.gzip)} | ${ms(p.readyMs.p50)} | ${ms(p.readyMs.max)} | ${ms(p.firstRequestMs.p50)} | ${ms(p.firstRequestMs.max)} | ${ms(p.totalMs.p50)} | ${ms(p.totalMs.max)} | ${p.failed} |`);
  }
  out.push(
    `| gateway ÷ floor | ${ratio(gateway.script.raw, floor.script.raw)} | ${ratio(gateway.script.gzip, floor.script.gzip)} | ${ratio(gateway.readyMs.p50, floor.readyMs.p50)} | ${ratio(gateway.readyMs.max, floor.readyMs.max)} | ` +
      `${ratio(gateway.firstRequestMs.p50, floor.firstRequestMs.p50)} | ${ratio(gateway.firstRequestMs.max, floor.firstRequestMs.max)} | ${ratio(gateway.totalMs.p50, floor.totalMs.p50)} | ${ratio(gateway.totalMs.max, floor.totalMs.max)} | |`,
    `| gateway − floor | | | +${ms(gateway.readyMs.p50 - floor.readyMs.p50)} | | +${ms(gateway.firstRequestMs.p50 - floor.firstRequestMs.p50)} | | +${ms(gateway.totalMs.p50 - floor.totalMs.p50)} | | |`,
    '',
  );
  return out;
}

// Alone: build, start the sim, measure, print.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { default: buildWorker } = await import('../test/harness/build-worker.ts');
  const { TENANT_KEY, TEST_BINDINGS, testConfig } = await import('../test/harness/config.ts');
  const { spawnSim } = await import('./sim.ts');
  const { cleanupRegistry } = await import('./cleanup.ts');
  const log = (msg: string) => process.stderr.write(`[coldstart ${(performance.now() / 1000).toFixed(1)}s] ${msg}\n`);
  const cleanups = cleanupRegistry('coldstart', log);
  let exitCode = 0;
  try {
    const runs = Number(process.env.BENCH_COLDSTART_RUNS || 10);
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`BENCH_COLDSTART_RUNS must be a whole number ≥ 1, got "${process.env.BENCH_COLDSTART_RUNS}"`);
    log('building the worker (wrangler deploy --dry-run)');
    await buildWorker();
    const sim = await spawnSim();
    cleanups.add('sim', sim.close);
    await sim.setFaults('east', { firstTokenMs: 0, interTokenMs: 0, tokens: 20 }); // as phases 1–2 of bench/run.ts
    const result = await runColdStart({
      upstream: `${sim.url}/s/east/v1`,
      gatewayConfig: testConfig({ providerUrl: sim.url, originUrl: sim.originUrl }),
      gatewayBindings: TEST_BINDINGS,
      tenantKey: TENANT_KEY,
      log,
    }, runs);
    await cleanups.run();
    process.stdout.write(`${renderColdStart(result).join('\n')}\n`);
  } catch (err) {
    console.error('coldstart failed:', err);
    exitCode = 1;
  } finally {
    await cleanups.run();
  }
  process.exit(exitCode);
}
