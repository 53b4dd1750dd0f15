// CPU profile of the gateway's isolate inside workerd, under a fixed, bounded load.
//
//   node bench/profile.ts   (put node_modules/.bin first on PATH for the bundled Node 22; ~25 s)
//
// Builds the worker as `wrangler deploy` does, runs it in workerd through the Miniflare API (as
// test/harness/gateway.ts does, plus workerd's V8 inspector on a loopback port), points it at the
// simulated provider (`node sim/main.ts`, its own process), and drives it with autocannon:
//   1. warm-up, PROFILE_WARMUP_SECONDS (2) s, so the profile shows steady-state (JIT-compiled) code;
//   2. baseline, PROFILE_SECONDS (8) s without the profiler (skip with PROFILE_BASELINE=0), to show
//      what profiling costs;
//   3. profiled, PROFILE_SECONDS s with the V8 sampling profiler on (every PROFILE_INTERVAL_US, 100 µs).
// The gateway runs the config's default idleMs (10 s) as the bench does (testConfig's 1 s is a test's).
// Load: PROFILE_CONNECTIONS (8) connections of `POST /v1/chat/completions`, model sim-small, a unique
// prompt each, stream when PROFILE_STREAM=1; the sim answers PROFILE_TOKENS (20) tokens, no delays.
// Prints (stdout, markdown) req/s and workerd CPU ms per request (/proc utime+stime) for each run,
// then the top PROFILE_TOP (30) functions by self time and self time by source file, positions
// mapped to src/** through the bundle's source map. Saves the raw profile (loadable in Chrome
// DevTools / VS Code) to bench/results/<ISO timestamp>-gateway.cpuprofile.json.
// All traffic stays on 127.0.0.1; every step has a time limit; Miniflare and the sim are shut
// down on success, error and SIGINT/SIGTERM.
// workerd calls some of its C++ API through V8's fast API calls, which leave no frame: the profiler
// charges them to the calling function, at its first line. To see them as native functions, run
// with MINIFLARE_WORKERD_V8_FLAGS=--no-turbo-fast-api-calls (Miniflare passes it on to workerd).
/// <reference path="./autocannon.d.ts" />
import autocannon from 'autocannon';
import type { Result as AutocannonResult } from 'autocannon';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { SourceMapPayload } from 'node:module';
import { performance } from 'node:perf_hooks';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { declaredWorkerOptions } from '../test/harness/worker-options.ts';
import buildWorker from '../test/harness/build-worker.ts';
import { TENANT_KEY, TEST_BINDINGS, testConfig } from '../test/harness/config.ts';
import { BUILD_DIR, ROOT } from '../test/harness/paths.ts';
import { chatBody, keepAliveAgent, post } from './client.ts';
import { analyze, BundleMapper, NATIVE } from './cpuprofile.ts';
import type { Analysis, CpuProfile } from './cpuprofile.ts';
import { childPids, cpuMs } from './procstat.ts';
import { cleanupRegistry } from './cleanup.ts';
import { spawnSim } from './sim.ts';

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  const v = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return v;
}
function flag(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes)$/i.test(raw)) return true;
  if (/^(0|false|no)$/i.test(raw)) return false;
  throw new Error(`${name} must be 1 or 0, got "${raw}"`);
}

const settings = {
  seconds: Math.round(num('PROFILE_SECONDS', 8)),
  warmupSeconds: Math.round(num('PROFILE_WARMUP_SECONDS', 2)),
  connections: Math.round(num('PROFILE_CONNECTIONS', 8)),
  tokens: Math.round(num('PROFILE_TOKENS', 20)),
  stream: flag('PROFILE_STREAM', false),
  baseline: flag('PROFILE_BASELINE', true),
  intervalUs: Math.round(num('PROFILE_INTERVAL_US', 100)),
  top: Math.round(num('PROFILE_TOP', 30)),
};
const SCOPE = 'east'; // sim-small's endpoint in testConfig
const v8Flags = process.env.MINIFLARE_WORKERD_V8_FLAGS ?? '';

const log = (msg: string) => process.stderr.write(`[profile ${(performance.now() / 1000).toFixed(1)}s] ${msg}\n`);

/** Rejects after `ms` with a message naming the step. */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}

const cleanups = cleanupRegistry('profile', log);
const cleanup = cleanups.run;

// ---------------------------------------------------------------------------------------------
// The gateway in workerd with the V8 inspector on: test/harness/gateway.ts's options plus
// `inspectorPort: 0` (Miniflare then asks workerd for an ephemeral inspector port on 127.0.0.1 and
// reports it through getInspectorURL()). No `unsafeInspectorProxy`: that would put Miniflare's
// proxy in between, which needs a fixed port and adds nothing here.

interface InspectableGateway {
  url: string;
  workerName: string;
  inspectorUrl: URL;
  close(): Promise<void>;
}

async function startInspectableGateway(config: unknown, bindings: Record<string, string>): Promise<InspectableGateway> {
  // Without Miniflare's asset router, as the bench's paths run the gateway (worker-options.ts).
  const workerOptions = declaredWorkerOptions({ assets: false });
  const mf = new Miniflare(convertV4MiniflareOptions({
    host: '127.0.0.1',
    port: 0,
    inspectorPort: 0,
    handleStructuredLogs: () => {}, // the per-request log lines; not needed here
    workers: [
      {
        ...workerOptions,
        modules: true as const,
        scriptPath: `${BUILD_DIR}/index.js`,
        bindings: { ...(workerOptions.bindings ?? {}), ...bindings, GATEWAY_CONFIG: JSON.stringify(config) },
      },
    ],
  } as Parameters<typeof convertV4MiniflareOptions>[0]));
  try {
    const url = (await within(60_000, 'starting workerd', mf.ready)).toString().replace(/\/$/, '');
    const inspectorUrl = await within(10_000, 'inspector url', mf.getInspectorURL());
    return { url, workerName: (workerOptions as { name?: string }).name ?? '', inspectorUrl, close: () => mf.dispose() };
  } catch (err) {
    await mf.dispose().catch(() => {});
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// A minimal Chrome DevTools Protocol client over Node's global WebSocket.

interface Target {
  id: string;
  title?: string;
  url?: string;
  webSocketDebuggerUrl?: string;
}

class Inspector {
  readonly #ws: WebSocket;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.addEventListener('message', (ev) => {
      const msg = JSON.parse(String(ev.data)) as { id?: number; result?: unknown; error?: { message: string } };
      if (msg.id === undefined) return; // events: not subscribed to any
      const p = this.#pending.get(msg.id);
      if (!p) return;
      this.#pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result);
    });
    ws.addEventListener('close', () => {
      for (const p of this.#pending.values()) p.reject(new Error('inspector connection closed'));
      this.#pending.clear();
    });
  }

  static async connect(url: string): Promise<Inspector> {
    const ws = new WebSocket(url);
    await within(10_000, `inspector ${url}`, new Promise<void>((resolve, reject) => {
      ws.addEventListener('open', () => resolve(), { once: true });
      ws.addEventListener('error', () => reject(new Error(`could not connect to ${url}`)), { once: true });
    }));
    return new Inspector(ws);
  }

  send<T>(method: string, params: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
    const id = this.#nextId++;
    const reply = new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    });
    this.#ws.send(JSON.stringify({ id, method, params }));
    return within(timeoutMs, method, reply).finally(() => this.#pending.delete(id));
  }

  close(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.#ws.addEventListener('close', () => resolve(), { once: true }));
    this.#ws.close();
    return within(5_000, 'closing the inspector connection', closed);
  }
}

/** The inspector target of the worker's isolate (workerd lists one per worker, plus its own). */
async function workerTarget(inspectorUrl: URL, workerName: string): Promise<{ target: Target; ws: string }> {
  const base = `http://${inspectorUrl.host}`;
  const res = await fetch(`${base}/json`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${base}/json: ${res.status}`);
  const targets = (await res.json()) as Target[];
  // Miniflare names user workers `core:user:<name>` (an unnamed one `core:user:`); its own
  // internal workers have other prefixes.
  const users = targets.filter((t) => t.id.startsWith('core:user:'));
  const target = users.find((t) => t.id === `core:user:${workerName}`) ?? (users.length === 1 ? users[0] : undefined);
  if (!target) throw new Error(`no inspector target for worker "${workerName}" among ${targets.map((t) => t.id).join(', ')}`);
  // Connect to the address we know, whatever host workerd put in the advertised URL.
  const ws = target.webSocketDebuggerUrl
    ? `ws://${inspectorUrl.host}${new URL(target.webSocketDebuggerUrl).pathname}`
    : `ws://${inspectorUrl.host}/${target.id}`;
  return { target, ws };
}

// ---------------------------------------------------------------------------------------------
// Load: autocannon, closed loop, a unique prompt per request (as bench/saturate.ts, plus stream).

interface LoadResult {
  label: string;
  seconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  rps: number;
  workerdCpuMs: number;
  cpuMsPerReq: number;
}

async function load(label: string, url: string, seconds: number, workerdPids: number[]): Promise<LoadResult> {
  let ok = 0;
  let seq = 0;
  const cpuBefore = workerdPids.reduce((s, p) => s + cpuMs(p), 0);
  const started = performance.now();
  const result = await within((seconds + 30) * 1000, `load (${label})`, new Promise<AutocannonResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers: { authorization: `Bearer ${TENANT_KEY}`, 'content-type': 'application/json' },
        requests: [{ method: 'POST', setupRequest: (req: object) => ({ ...req, body: chatBody(`profile-${label}-${++seq}`, settings.stream) }) }],
        connections: settings.connections,
        duration: seconds,
        timeout: 10,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client: unknown, status: number) => {
      if (status >= 200 && status < 300) ok++;
    });
  }));
  const elapsed = (performance.now() - started) / 1000;
  const workerdCpuMs = workerdPids.reduce((s, p) => s + cpuMs(p), 0) - cpuBefore;
  const r = { label, seconds: elapsed, ok, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, rps: ok / elapsed, workerdCpuMs, cpuMsPerReq: ok ? workerdCpuMs / ok : NaN };
  if (!ok || r.non2xx + r.errors + r.timeouts > ok / 10) {
    throw new Error(`load (${label}): ${ok} ok, ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts — the gateway is not answering properly`);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------

function gitState(): string {
  try {
    let commit = `commit ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()}`;
    if (execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).trim()) commit += ' + uncommitted src changes';
    return commit;
  } catch {
    return 'commit unknown';
  }
}

interface Run {
  startedAt: Date;
  /** The commit the bundle was built from, and whether src/ had uncommitted changes. */
  commit: string;
  loads: LoadResult[];
  profile: CpuProfile;
  workerdPids: number[];
}

async function main(): Promise<Run> {
  const startedAt = new Date();
  const commit = gitState(); // before building: the bundle is made from this state of src/
  log('building the worker (wrangler deploy --dry-run)');
  await buildWorker();

  const sim = await spawnSim();
  cleanups.add('sim', sim.close);
  log(`sim provider at ${sim.url} (pid ${sim.pid})`);

  const known = new Set(childPids(process.pid, 'workerd'));
  const gateway = await startInspectableGateway(testConfig({ providerUrl: sim.url, budgets: { idleMs: 10_000 } }), TEST_BINDINGS);
  cleanups.add('gateway', gateway.close);
  const workerdPids = childPids(process.pid, 'workerd').filter((p) => !known.has(p));
  if (!workerdPids.length) throw new Error('could not find the workerd process Miniflare started');
  log(`gateway at ${gateway.url} (workerd ${workerdPids.join(',')}), inspector at ${gateway.inspectorUrl.host}`);

  const chatUrl = `${gateway.url}/v1/chat/completions`;
  const phase = async () => {
    await sim.reset(); // so the sim's record of calls does not pile up
    await sim.setFaults(SCOPE, { firstTokenMs: 0, interTokenMs: 0, tokens: settings.tokens });
  };
  await phase();
  const agent = keepAliveAgent();
  const check = await post(agent, { name: 'gateway', url: chatUrl, headers: { authorization: `Bearer ${TENANT_KEY}` } }, chatBody('profile-check', settings.stream), 10_000);
  agent.destroy();
  if (check.error || check.status !== 200) throw new Error(`the gateway did not answer 200: ${check.error ?? check.status}`);

  const loads: LoadResult[] = [];
  log(`warm-up: ${settings.connections} connections × ${settings.warmupSeconds} s`);
  await load('warm-up', chatUrl, settings.warmupSeconds, workerdPids);
  if (settings.baseline) {
    await phase();
    log(`baseline (no profiler): ${settings.connections} connections × ${settings.seconds} s`);
    loads.push(await load('baseline (no profiler)', chatUrl, settings.seconds, workerdPids));
  }

  const { target, ws } = await workerTarget(gateway.inspectorUrl, gateway.workerName);
  log(`inspector target ${JSON.stringify(target.id)} (${ws})`);
  const inspector = await Inspector.connect(ws);
  cleanups.add('inspector', () => inspector.close());
  await inspector.send('Profiler.enable');
  await inspector.send('Profiler.setSamplingInterval', { interval: settings.intervalUs });
  await phase();
  log(`profiled: ${settings.connections} connections × ${settings.seconds} s, sampling every ${settings.intervalUs} µs`);
  await inspector.send('Profiler.start');
  // Stop even when the load fails, so workerd is not left sampling until dispose.
  const profiled = await load('profiled', chatUrl, settings.seconds, workerdPids).catch((err: unknown) => err as Error);
  const stopped = await inspector.send<{ profile: CpuProfile }>('Profiler.stop', {}, 60_000);
  if (profiled instanceof Error) throw profiled;
  loads.push(profiled);
  await inspector.send('Profiler.disable').catch(() => {});
  return { startedAt, commit, loads, profile: stopped.profile, workerdPids };
}

// ---------------------------------------------------------------------------------------------
// Report

const pct = (n: number, total: number) => (total ? `${((100 * n) / total).toFixed(1)}%` : '—');
const fixed = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const head = (cells: string[], alignRight: boolean[]) => [row(cells), row(cells.map((_, i) => (alignRight[i] ? '---:' : '---')))];
const code = (s: string) => `\`${s.replaceAll('|', '\\|').replaceAll('`', "'")}\``;

function render(run: Run, a: Analysis, file: string, mapped: boolean): string {
  const out: string[] = [];
  const s = settings;
  out.push(
    `### Gateway CPU profile (${run.startedAt.toISOString()}, ${run.commit})`,
    '',
    `Load: autocannon, ${s.connections} connections × ${s.seconds} s of \`POST /v1/chat/completions\` (model sim-small, ${s.stream ? 'stream' : 'non-stream'}, unique prompts), ` +
      `the sim answering ${s.tokens} tokens with no delays; after a ${s.warmupSeconds} s warm-up. workerd pid ${run.workerdPids.join(',')} (CPU = utime+stime of the whole process); all on 127.0.0.1.`,
    '',
    ...head(['run', 'requests (2xx)', 'req/s', 'workerd CPU ms', 'workerd CPU ms/req', 'non-2xx / errors / timeouts'], [false, true, true, true, true, true]),
  );
  for (const l of run.loads) {
    out.push(row([l.label, l.ok, fixed(l.rps), fixed(l.workerdCpuMs, 0), fixed(l.cpuMsPerReq, 3), `${l.non2xx} / ${l.errors} / ${l.timeouts}`]));
  }

  const special = (name: string) => a.special[name] ?? 0;
  const busy = a.totalSamples - special('(root)') - special('(idle)');
  out.push(
    '',
    `Profile of the gateway's isolate: ${a.totalSamples} samples over ${fixed(a.totalMs / 1000, 1)} s (${s.intervalUs} µs requested, median gap ${fixed(a.medianIntervalUs, 0)} µs); ` +
      `(idle) ${pct(special('(idle)'), a.totalSamples)} of them. "busy" = all but (idle). (program) = the isolate's thread in workerd's own C++ (HTTP, streams, I/O), outside any JavaScript. ` +
      `A native function (no script: the runtime's C++ API, V8 builtins with their own frame) is listed by name, with the line of the JavaScript that called it as its hottest line. ` +
      `A hottest line equal to the "defined at" line means V8 had no line for those samples: builtins without their own frame (await/promise machinery, JSON, object spread, \`new Error\`) and workerd's fast API calls ` +
      (v8Flags ? `(workerd V8 flags for this run: \`${v8Flags}\`). ` : '(run with MINIFLARE_WORKERD_V8_FLAGS=--no-turbo-fast-api-calls to list those as native functions). ') +
      (mapped ? 'Bundle positions mapped to sources through .build/worker/index.js.map.' : 'No source map: bundle lines, with the source file from the comment esbuild leaves before each module.'),
    '',
    `#### Top ${s.top} functions by self samples`,
    '',
    ...head(['#', 'samples', 'of all', 'of busy', 'function', 'defined at', 'hottest line (its share)', 'group'], [true, true, true, true, false, false, false, false]),
  );
  a.functions.slice(0, s.top).forEach((f, i) => {
    out.push(row([
      i + 1,
      f.samples,
      pct(f.samples, a.totalSamples),
      pct(f.samples, busy),
      code(f.name),
      code(f.location),
      f.hotLine ? `${code(f.hotLine.location)} (${(f.hotLine.share * 100).toFixed(0)}%)` : '—',
      f.group,
    ]));
  });

  out.push('', '#### Self samples by source file', '', ...head(['file / package', 'samples', 'of all', 'of busy'], [false, true, true, true]));
  const groupRows: Array<[string, number, boolean]> = a.groups.map((g) => [g.group, g.samples, true]);
  for (const name of ['(program)', '(garbage collector)']) if (special(name)) groupRows.push([`${NATIVE} ${name}`, special(name), true]);
  groupRows.sort((x, y) => y[1] - x[1]);
  for (const [group, n] of groupRows) {
    out.push(row([code(group), n, pct(n, a.totalSamples), pct(n, busy)]));
    for (const c of a.groups.find((g) => g.group === group)?.callers ?? []) {
      out.push(row([`  ↳ called from ${code(c.group)}`, c.samples, pct(c.samples, a.totalSamples), pct(c.samples, busy)]));
    }
  }
  if (special('(idle)')) out.push(row([code('(idle)'), special('(idle)'), pct(special('(idle)'), a.totalSamples), '—']));
  out.push('', `Raw profile: ${file} (open in Chrome DevTools → Performance, or VS Code).`);
  return out.join('\n');
}

function loadMapper(): BundleMapper {
  const bundle = readFileSync(`${BUILD_DIR}/index.js`, 'utf8');
  const mapFile = `${BUILD_DIR}/index.js.map`;
  const map = existsSync(mapFile) ? (JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload) : undefined;
  return new BundleMapper(bundle, map);
}

let exitCode = 0;
// The whole run is bounded: build + start (≤ 2 min) + the loads + analysis.
const deadlineS = 180 + settings.warmupSeconds + settings.seconds * 2 + 60;
const watchdog = setTimeout(() => {
  console.error(`profile: still running after ${deadlineS} s, giving up`);
  void cleanup().finally(() => process.exit(1));
}, deadlineS * 1000);
watchdog.unref();
try {
  const run = await main();
  await cleanup(); // before printing, so the run's end is also proven clean
  const dir = `${ROOT}/bench/results`;
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/${run.startedAt.toISOString().replaceAll(':', '-')}-gateway.cpuprofile.json`;
  writeFileSync(file, JSON.stringify(run.profile));
  const mapper = loadMapper();
  // The bundle's script: the url ending in the bundle's file name (workerd names modules by path).
  const analysis = analyze(run.profile, mapper, (url) => /(^|\/)index\.js$/.test(url));
  process.stdout.write(`${render(run, analysis, file.slice(ROOT.length + 1), mapper.hasSourceMap)}\n`);
  if (!analysis.bundleUrl) log('warning: no sample landed in the bundle; check the script urls in the profile');
} catch (err) {
  console.error('profile failed:', err);
  exitCode = 1;
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
process.exit(exitCode);
