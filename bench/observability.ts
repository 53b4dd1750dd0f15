// What observability costs a request, and what its failures cost: gateway variants side by side,
// each its own gateway (own workerd, so its CPU is its own), all against the same sim.
//
//   off            — no OTEL_EXPORTER_OTLP_ENDPOINT, GATEWAY_STATS left unbound (no stats kept);
//   export         — OTLP export to a local collector (a node:http server in this process that
//                    answers POST <prefix>/v1/traces at once with 200 and counts the spans);
//   stats          — GATEWAY_STATS bound (as deployed), `stats.flushMs` BENCH_OBS_FLUSH_MS (2000);
//   both           — export and stats;
//   faults, each on top of "both", one part failing:
//     collector down — the endpoint is a closed port (connection refused);
//     collector slow — the collector accepts and never answers (the export is cut at its
//                      deadline, OTEL_EXPORTER_OTLP_TIMEOUT's default 2000 ms);
//     DO throw       — GATEWAY_STATS_FAULT=throw: every ingest fails;
//     DO hang        — GATEWAY_STATS_FAULT=hang: ingest never answers (cut at stats.timeoutMs, 1000);
//   off, again     — "off" once more, on its own gateway, last in each round where "off" is first
//                    (and first where it is last): its distance from "off" is this run's noise.
// BENCH_OBS_ROUNDS (3) rounds; in each, every variant is measured paced (open loop,
// BENCH_OBS_RATE (50) req/s × BENCH_OBS_SECONDS (5) s), then every variant saturated (autocannon,
// BENCH_OBS_CONNECTIONS (4) × BENCH_OBS_SAT_SECONDS (3) s, workerd CPU per 2xx from /proc), in
// alternating order (forward, then reversed), so drift on this shared machine falls on all alike.
// Each figure is the median of the rounds' figures, so one round disturbed by the rest of the
// machine does not move it (the pooled percentiles are kept in the raw figures too).
// BENCH_OBS_VARIANTS (all) takes a comma-separated subset of the names below, to look at a few.
// At the end: each gateway's trace export counts (GET /admin/health `tracing`, since it started,
// warm-up included), its `stats_flush_failed` log lines, and what the collector received.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN_TOKEN, TENANT_KEY, TEST_BINDINGS, testConfig } from '../test/harness/config.ts';
import { startGateway } from '../test/harness/gateway.ts';
import type { Gateway } from '../test/harness/gateway.ts';
import { keepAliveAgent } from './client.ts';
import type { Target } from './client.ts';
import { runPaced, warmUp } from './paced.ts';
import type { PacedResult } from './paced.ts';
import { workerdWatcher } from './procstat.ts';
import { runSaturated } from './saturate.ts';
import type { SaturatedResult } from './saturate.ts';
import type { SimProcess } from './sim.ts';
import { summarize } from './stats.ts';
import type { Summary } from './stats.ts';

export interface ObservabilitySettings {
  rounds: number;
  rate: number;
  seconds: number;
  connections: number;
  satSeconds: number;
  flushMs: number;
  tokens: number;
  /** Names of the variants to run; all when absent. */
  variants?: string[];
}

type Collector = 'none' | 'ok' | 'down' | 'slow';

interface Variant {
  name: string;
  /** What it is, for the table's note. */
  label: string;
  collector: Collector;
  stats: boolean;
  fault?: 'throw' | 'hang';
  /** The healthy variant a fault is compared with. */
  healthy?: string;
}

export const VARIANTS: readonly Variant[] = [
  { name: 'off', label: 'no export, no GATEWAY_STATS binding', collector: 'none', stats: false },
  { name: 'export', label: 'OTLP export to a local collector', collector: 'ok', stats: false },
  { name: 'stats', label: 'GATEWAY_STATS bound', collector: 'none', stats: true },
  { name: 'both', label: 'export and stats', collector: 'ok', stats: true },
  { name: 'collector down', label: 'both; the endpoint refuses connections', collector: 'down', stats: true, healthy: 'both' },
  { name: 'collector slow', label: 'both; the collector never answers', collector: 'slow', stats: true, healthy: 'both' },
  { name: 'DO throw', label: 'both; GATEWAY_STATS_FAULT=throw', collector: 'ok', stats: true, fault: 'throw', healthy: 'both' },
  { name: 'DO hang', label: 'both; GATEWAY_STATS_FAULT=hang', collector: 'ok', stats: true, fault: 'hang', healthy: 'both' },
  // "off" once more, on a gateway of its own, measured at the other end of each round: how far
  // two identical variants land apart in this run is the noise every other row sits in.
  { name: 'off, again', label: 'the same as off (the noise reference)', collector: 'none', stats: false },
];

export interface VariantResult {
  name: string;
  label: string;
  healthy?: string;
  /** Median over the rounds of each round's paced p50 and p99. */
  p50: number;
  p99: number;
  /** Pooled over the rounds. */
  pacedMs: Summary;
  paced: Array<Omit<PacedResult, 'samplesMs'>>;
  saturated: SaturatedResult[];
  /** Median over the rounds: 2xx per second, workerd CPU ms per 2xx. */
  rps: number;
  cpuMsPerReq: number;
  /** Paced requests that were not a 200, and saturated non-2xx / errors / timeouts. */
  failures: { pacedNot200: number; non2xx: number; errors: number };
  /** GET /admin/health `tracing` at the end (since the gateway started, warm-up included). */
  tracing?: { enabled: boolean; exported: number; dropped: number; failed: number; buffered: number };
  /** Spans the collector received for this variant. */
  collectorSpans?: number;
  /** POSTs the collector received (or, when slow, accepted and left hanging). */
  collectorPosts?: number;
  /** `stats_flush_failed` log lines, and the last one's counts. */
  statsFlushFailed?: number;
  statsDroppedRequests?: number;
  /** Requests the stats object counted over its window (GET /admin/stats), when it answered. */
  statsRequests?: number;
  /** Requests this gateway answered in all (warm-up, paced, saturated). */
  served: number;
}

export interface ObservabilityResult {
  settings: ObservabilitySettings;
  variants: VariantResult[];
  /** The two "off" variants per round: p50 / p99 paced, req/s and CPU ms per request saturated. */
  noise: Record<string, { p50: number[]; p99: number[]; cpuMsPerReq: number[]; rps: number[] }>;
  otlpTimeoutMs: number;
}

export interface ObservabilityContext {
  sim: SimProcess;
  /** Resets the sim and sets its answer (20 tokens at once) before each measurement. */
  prepareSim: () => Promise<void>;
  log: (msg: string) => void;
  /** Registers something to close when the bench ends, however it ends. */
  onCleanup: (name: string, close: () => Promise<void>) => void;
}

const OTLP_TIMEOUT_MS = 2000; // the exporter's default (src/telemetry/otlp-env.ts); left unset

/** One collector for every variant, told apart by path prefix: /<variant>/v1/traces. */
async function startCollector(): Promise<{ url: string; spans: Map<string, number>; posts: Map<string, number>; hung: Set<ServerResponse>; slowUrl: string; close(): Promise<void> }> {
  const spans = new Map<string, number>();
  const posts = new Map<string, number>();
  const hung = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const handler = (slow: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    const key = decodeURIComponent((req.url ?? '').replace(/\/v1\/traces$/, '').slice(1));
    posts.set(key, (posts.get(key) ?? 0) + 1);
    if (slow) {
      req.resume();
      hung.add(res); // never answered
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      spans.set(key, (spans.get(key) ?? 0) + (body.match(/"spanId":/g)?.length ?? 0));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  };
  const listen = async (server: Server) => {
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  };
  const ok = createServer(handler(false));
  const slow = createServer(handler(true));
  const [url, slowUrl] = [await listen(ok), await listen(slow)];
  return {
    url,
    slowUrl,
    spans,
    posts,
    hung,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([ok, slow].map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
    },
  };
}

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function adminGet(url: string, path: string): Promise<{ status: number; body: any }> {
  try {
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: await res.json().catch(() => undefined) };
  } catch {
    return { status: 0, body: undefined };
  }
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export async function runObservability(ctx: ObservabilityContext, settings: ObservabilitySettings): Promise<ObservabilityResult> {
  const { log } = ctx;
  const collector = await startCollector();
  ctx.onCleanup('collector', collector.close);
  const down = await closedPort();
  log(`observability: collector at ${collector.url} (slow one at ${collector.slowUrl}), down endpoint ${down}`);

  const config = { ...testConfig({ providerUrl: ctx.sim.url }), stats: { flushMs: settings.flushMs } };
  const newWorkerd = workerdWatcher();
  const gateways: Array<{ v: Variant; gw: Gateway; pids: number[]; target: Target }> = [];
  const chosen = settings.variants ? VARIANTS.filter((v) => settings.variants!.includes(v.name)) : VARIANTS;
  const unknown = (settings.variants ?? []).filter((n) => !VARIANTS.some((v) => v.name === n));
  if (unknown.length || !chosen.length) throw new Error(`BENCH_OBS_VARIANTS: unknown ${JSON.stringify(unknown)}; the variants are ${VARIANTS.map((v) => v.name).join(', ')}`);
  for (const v of chosen) {
    const endpoint =
      v.collector === 'ok' ? `${collector.url}/${encodeURIComponent(v.name)}`
      : v.collector === 'slow' ? `${collector.slowUrl}/${encodeURIComponent(v.name)}`
      : v.collector === 'down' ? down
      : undefined;
    const bindings: Record<string, string> = {
      ...TEST_BINDINGS,
      ...(endpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } : {}),
      ...(v.fault ? { GATEWAY_STATS_FAULT: v.fault } : {}),
    };
    const gw = await startGateway(config, bindings, { noStats: !v.stats, noAssets: true });
    ctx.onCleanup(`gateway ${v.name}`, gw.close);
    const pids = newWorkerd();
    if (!pids.length) throw new Error(`could not find the workerd of gateway ${v.name}`);
    gateways.push({ v, gw, pids, target: { name: v.name, url: `${gw.url}/v1/chat/completions`, headers: { authorization: `Bearer ${TENANT_KEY}` } } });
    log(`observability: gateway "${v.name}" at ${gw.url} (workerd ${pids.join(',')})`);
  }

  await ctx.prepareSim();
  for (const g of gateways) {
    const health = await adminGet(g.gw.url, '/admin/health');
    const wantTracing = g.v.collector !== 'none';
    if (health.status !== 200 || health.body?.tracing?.enabled !== wantTracing) {
      throw new Error(`gateway ${g.v.name}: /admin/health ${health.status}, tracing ${JSON.stringify(health.body?.tracing)} (expected enabled: ${wantTracing})`);
    }
    const agent = keepAliveAgent();
    await warmUp(agent, g.target);
    agent.destroy();
  }
  const served = new Map<string, number>(gateways.map((g) => [g.v.name, 300]));

  const paced = new Map<string, PacedResult[]>();
  const saturated = new Map<string, SaturatedResult[]>();
  for (let round = 0; round < settings.rounds; round++) {
    const order = round % 2 === 0 ? gateways : [...gateways].reverse();
    for (const g of order) {
      await ctx.prepareSim();
      log(`observability round ${round + 1}/${settings.rounds}: paced "${g.v.name}" ${settings.rate} req/s × ${settings.seconds} s`);
      const agent = keepAliveAgent();
      const p = await runPaced(agent, g.target, { rate: settings.rate, seconds: settings.seconds, keepSamples: true });
      agent.destroy();
      (paced.get(g.v.name) ?? paced.set(g.v.name, []).get(g.v.name)!).push(p);
      served.set(g.v.name, served.get(g.v.name)! + p.sent);
    }
    for (const g of order) {
      await ctx.prepareSim();
      log(`observability round ${round + 1}/${settings.rounds}: saturated "${g.v.name}" ${settings.connections} connections × ${settings.satSeconds} s`);
      const s = await runSaturated(g.target, settings.connections, settings.satSeconds, { workerd: g.pids, sim: [ctx.sim.pid], loadgen: [] });
      (saturated.get(g.v.name) ?? saturated.set(g.v.name, []).get(g.v.name)!).push(s);
      served.set(g.v.name, served.get(g.v.name)! + s.completed + s.non2xx);
    }
  }

  // Let the last exports and shipments finish or time out: a stats flush is due flushMs after the
  // last request and may take its timeoutMs (1000); a hung export is cut at the OTLP timeout.
  const settleMs = Math.max(settings.flushMs + 1000, OTLP_TIMEOUT_MS) + 1500;
  log(`observability: settling ${settleMs} ms for the last exports and shipments`);
  await sleep(settleMs);

  const variants: VariantResult[] = [];
  for (const g of gateways) {
    const ps = paced.get(g.v.name)!;
    const ss = saturated.get(g.v.name)!;
    const health = await adminGet(g.gw.url, '/admin/health');
    const t = health.body?.tracing;
    const failedLines = g.gw.output().split('\n').filter((l) => l.includes('"msg":"stats_flush_failed"'));
    const last = failedLines.length ? (JSON.parse(failedLines.at(-1)!) as { dropped_requests?: number }) : undefined;
    const statsView = g.v.stats ? await adminGet(g.gw.url, '/admin/stats?window=1h') : undefined;
    variants.push({
      name: g.v.name,
      label: g.v.label,
      ...(g.v.healthy ? { healthy: g.v.healthy } : {}),
      p50: median(ps.map((p) => p.latencyMs.p50)),
      p99: median(ps.map((p) => p.latencyMs.p99)),
      pacedMs: summarize(ps.flatMap((p) => p.samplesMs ?? [])),
      paced: ps.map(({ samplesMs: _s, ...rest }) => rest),
      saturated: ss,
      rps: median(ss.map((s) => s.rps)),
      cpuMsPerReq: median(ss.map((s) => s.cpuMsPerReq.workerd!)),
      failures: {
        pacedNot200: ps.reduce((n, p) => n + p.sent - p.latencyMs.n, 0),
        non2xx: ss.reduce((n, s) => n + s.non2xx, 0),
        errors: ss.reduce((n, s) => n + s.errors + s.timeouts, 0),
      },
      ...(g.v.collector !== 'none' && t ? { tracing: { enabled: t.enabled, exported: t.exported, dropped: t.dropped, failed: t.failed, buffered: t.buffered } } : {}),
      ...(g.v.collector === 'ok' ? { collectorSpans: collector.spans.get(g.v.name) ?? 0 } : {}),
      ...(g.v.collector === 'ok' || g.v.collector === 'slow' ? { collectorPosts: collector.posts.get(g.v.name) ?? 0 } : {}),
      ...(g.v.stats ? { statsFlushFailed: failedLines.length, statsDroppedRequests: last?.dropped_requests ?? 0 } : {}),
      ...(statsView?.status === 200 && typeof statsView.body?.requests === 'number' ? { statsRequests: statsView.body.requests } : {}),
      served: served.get(g.v.name)!,
    });
  }
  const noise: ObservabilityResult['noise'] = {};
  for (const name of ['off', 'off, again']) {
    const [ps, ss] = [paced.get(name) ?? [], saturated.get(name) ?? []];
    noise[name] = {
      p50: ps.map((p) => p.latencyMs.p50),
      p99: ps.map((p) => p.latencyMs.p99),
      cpuMsPerReq: ss.map((x) => x.cpuMsPerReq.workerd!),
      rps: ss.map((x) => x.rps),
    };
  }
  return { settings, variants, noise, otlpTimeoutMs: OTLP_TIMEOUT_MS };
}
