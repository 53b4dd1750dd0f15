// The markdown tables printed at the end of a run (pasteable into the README).
import type { CacheResult } from './cache.ts';
import type { ColdStartPhaseResult, ColdStartResult } from './coldstart.ts';
import type { FanoutResult } from './fanout.ts';
import type { MemoryResult } from './memory.ts';
import type { ObservabilityResult } from './observability.ts';
import type { PacedResult } from './paced.ts';
import type { SaturatedResult } from './saturate.ts';
import type { TtfbResult } from './ttfb.ts';
import type { Summary } from './stats.ts';

export interface BenchResults {
  startedAt: string;
  durationS: number;
  environment: Record<string, string | number>;
  settings: Record<string, unknown>;
  idleRssMiB: Record<string, number>;
  paced: PacedResult[];
  /** The gateway's own log lines over each paced run, by rate. */
  gatewayStages: Record<number, Record<string, Summary>>;
  saturated: SaturatedResult[];
  ttfb: TtfbResult[];
  /** The peer path (bench/peer.ts): its version, or why it was skipped. Absent in results saved before it existed. */
  peer?: { version?: string; skipped?: string };
  /** Absent in results saved before the memory phase existed. */
  memory?: MemoryResult;
  /** Absent in results saved before the fan-out phase existed. */
  fanout?: FanoutResult;
  /** Absent in results saved before the cache phase existed. */
  cache?: CacheResult;
  /** Absent in results saved before the observability phase existed. */
  observability?: ObservabilityResult;
  /** Bundle size and isolate start (bench/coldstart.ts). Absent in results saved before the phase existed. */
  coldstart?: ColdStartPhaseResult;
}

const ms = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '—' : v < 10 ? v.toFixed(2) : v.toFixed(1));
const plus = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '—' : `${v >= 0 ? '+' : '−'}${ms(Math.abs(v))}`);
const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}×` : '—');
/** The saturated phase's reference rows (bench/run.ts): floor variants, not paths. */
export const FLOOR_SSE = 'floor (SSE)';
export const FLOOR_ROUTED = 'floor + asset router';

const count = (outcomes: Record<string, number>) => Object.entries(outcomes).map(([k, n]) => `${k}: ${n}`).join(', ');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const head = (cells: string[]) => [row(cells), row(cells.map((_, i) => (i === 0 ? '---' : '---:')))];

export function renderReport(r: BenchResults): string {
  const out: string[] = [];
  const env = r.environment;
  out.push(`### Benchmark (${r.startedAt}, ${r.durationS.toFixed(0)} s run)`, '');
  out.push(
    `Runtime: workerd ${env.workerd} via the Miniflare ${env.miniflare} API (compatibility date ${env.compatibilityDate}, flags ${env.compatibilityFlags}); ` +
      `load generator and simulated provider on Node ${env.node} (the sim in its own process); ${env.cpus} × ${env.cpuModel}, shared and noisy. ` +
      `Gateway commit ${env.commit}. All traffic on 127.0.0.1. The sim answers ${r.settings.tokens} tokens with no delays unless stated. ` +
      (r.paced.length ? `**direct** = the sim itself, **floor** = a pass-through worker (bench/floor-worker.js) in the same runtime, **gateway** = the built worker` +
        (r.peer?.version ? `, **peer** = the Portkey AI gateway (@portkey-ai/gateway ${r.peer.version} from npm, hono pinned to 4.9.7) on Node, its own process, forwarding to the same sim. ` : '. ') : '') +
      `Compare within this run only; latencies in ms.`,
    '',
  );
  if (r.peer?.skipped) out.push(`**The peer was skipped: ${r.peer.skipped}.**`, '');

  const direct = (list: { path: string }[]) => list.find((x) => x.path === 'direct');

  // Paced latency
  for (const rate of r.settings.rates as number[]) {
    const runs = r.paced.filter((p) => p.rate === rate);
    if (!runs.length) continue; // a phase run alone (--only)
    const d = direct(runs) as PacedResult | undefined;
    out.push(`**Paced latency, non-stream, ${rate} req/s** — open loop for ${r.settings.seconds} s per path; latency = response fully read − actual send.`, '');
    out.push(...head(['path', 'ok / sent', 'p50', 'p90', 'p99', 'max', 'added p50', 'added p90', 'added p99', 'send lag p99']));
    for (const p of runs) {
      const l = p.latencyMs;
      const base = d && p !== d ? d.latencyMs : undefined;
      out.push(row([
        p.path, `${l.n} / ${p.sent}`, ms(l.p50), ms(l.p90), ms(l.p99), ms(l.max),
        base ? plus(l.p50 - base.p50) : '', base ? plus(l.p90 - base.p90) : '', base ? plus(l.p99 - base.p99) : '', ms(p.sendLagMs.p99),
      ]));
    }
    const failures = runs.filter((p) => p.latencyMs.n !== p.sent).map((p) => `${p.path} (${count(p.outcomes)})`);
    const overloaded = runs.filter((p) => p.overloaded)
      .map((p) => `${p.path} completed ${p.completionRate.toFixed(0)} req/s; p50 ${ms(p.trendMs.first)} ms over the first tenth of the sends, ${ms(p.trendMs.last)} ms over the last`);
    out.push('');
    if (overloaded.length) out.push(`**Overloaded at ${rate} req/s** — it could not keep up, so its figures are queueing, not overhead: ${overloaded.join('; ')}.`, '');
    if (failures.length) out.push(`Not 200: ${failures.join('; ')}.`, '');
    const s = r.gatewayStages[rate];
    if (s?.duration_ms) {
      out.push(`Gateway's own log at ${rate} req/s (workerd's clock, which only advances on I/O): duration_ms p50 ${ms(s.duration_ms.p50)} / p99 ${ms(s.duration_ms.p99)}` +
        Object.entries(s).filter(([k]) => k !== 'duration_ms').map(([k, v]) => `; ${k} ${ms(v.p50)} / ${ms(v.p99)}`).join('') + '.', '');
    }
  }
  if (r.paced.length) out.push('"direct (SSE)" is the sim asked to stream (as the gateway always asks it), read to the end: a reference, not a path. ' +
    'Send lag = how late the load generator sent against its slot.', '');

  // Saturated throughput
  if (r.saturated.length) {
    const hasPeer = r.saturated.some((x) => x.path === 'peer');
    out.push(`**Saturated throughput, non-stream** — autocannon, closed loop, ${r.settings.satSeconds} s per point. CPU = ms of CPU per 2xx response (utime+stime from /proc), for the path's server ` +
      `(its workerd${hasPeer ? ', or the peer\'s Node process' : ''}), the sim, and this Node process (autocannon plus Miniflare's Node side, which receives workerd's log lines); the server's RSS after the point.`, '');
    out.push(...head(['path', 'conns', 'req/s', 'p50', 'p99', 'vs direct', 'vs floor', ...(hasPeer ? ['vs peer'] : []), 'server CPU ms/req', 'sim CPU ms/req', 'node CPU ms/req', 'server RSS MiB', 'non-2xx / errors']));
    for (const s of r.saturated) {
      const peers = r.saturated.filter((x) => x.connections === s.connections);
      const dd = peers.find((x) => x.path === 'direct');
      const ff = peers.find((x) => x.path === 'floor');
      const pp = peers.find((x) => x.path === 'peer');
      out.push(row([
        s.path, s.connections, s.rps.toFixed(0), ms(s.latencyMs.p50), ms(s.latencyMs.p99),
        s.path === 'direct' ? '' : ratio(s.rps, dd?.rps), s.path === 'direct' || s.path === 'floor' ? '' : ratio(s.rps, ff?.rps),
        ...(hasPeer ? [s.path === 'gateway' ? ratio(s.rps, pp?.rps) : ''] : []),
        s.path === 'direct' ? '—' : ms(serverCpu(s)), ms(s.cpuMsPerReq.sim), ms(s.cpuMsPerReq.loadgen),
        s.path === 'direct' ? '—' : (s.rssMiB[serverRole(s)] ?? NaN).toFixed(0), `${s.non2xx} / ${s.errors + s.timeouts}`,
      ]));
    }
    if (r.saturated.some((x) => x.path === FLOOR_SSE || x.path === FLOOR_ROUTED)) {
      out.push('', `Reference rows (floor variants, not paths): **${FLOOR_SSE}** = bench/floor-sse-worker.js, which asks the sim to stream and reads and parses every event ` +
        `as the gateway does for a JSON client (so a first-token and an idle deadline can hold), with nothing else — the least any worker can do with per-token deadlines; ` +
        `its req/s also pays for the sim streaming on the same cores, so its server CPU is the figure that says what watching each token costs; ` +
        `**${FLOOR_ROUTED}** = the floor behind the Static Assets router (and the proxy worker before it) that Miniflare runs in front of a worker with \`[assets]\` (the gateway's pages), ` +
        `as \`wrangler dev\` does; on Cloudflare that routing runs in its own worker, outside the gateway's isolate and its CPU, though still on the request's path ` +
        `(its latency there is not measured here). The gateway here runs without it, as the floor does.`);
    }
    out.push('', `Server RSS when idle, before any load: ${Object.entries(r.idleRssMiB).map(([k, v]) => `${k} ${v.toFixed(0)} MiB`).join(', ')}.`, '');
  }

  // TTFB
  const t0 = direct(r.ttfb) as TtfbResult | undefined;
  if (r.ttfb.length) {
    out.push(`**Time to first byte, \`stream: true\`** — ${r.settings.ttfbRequests} requests per path at concurrency ${r.settings.ttfbConcurrency}; the sim waits ${r.settings.ttfbFirstTokenMs} ms before its first chunk.`, '');
    out.push(...head(['path', 'ok / sent', 'first byte p50', 'p90', 'p99', 'added p50', 'first token p50', 'first token p99', 'added p50 (token)', 'complete p50']));
    for (const t of r.ttfb) {
      const ok = t.firstByteMs.n;
      const base = t0 && t !== t0 ? t0 : undefined;
      out.push(row([
        t.path, `${ok} / ${t.requests}`, ms(t.firstByteMs.p50), ms(t.firstByteMs.p90), ms(t.firstByteMs.p99),
        base ? plus(t.firstByteMs.p50 - base.firstByteMs.p50) : '',
        ms(t.firstContentMs.p50), ms(t.firstContentMs.p99), base ? plus(t.firstContentMs.p50 - base.firstContentMs.p50) : '', ms(t.totalMs.p50),
      ]));
    }
    out.push('');
  }
  if (r.memory) out.push(...renderMemory(r.memory, r.peer));
  out.push(...renderAgainst(r));
  if (r.fanout) out.push(...renderFanout(r.fanout));
  if (r.cache) out.push(...renderCache(r.cache, r.saturated));
  if (r.observability) out.push(...renderObservability(r.observability));
  if (r.coldstart) out.push(...renderColdStartPhase(r.coldstart));
  return out.join('\n');
}

const serverRole = (s: SaturatedResult) => (s.path === 'peer' ? 'peer' : 'workerd');
const serverCpu = (s: SaturatedResult) => s.cpuMsPerReq[serverRole(s)];

/**
 * The headline: the gateway against the floor (the runtime's own limit) and the peer, per figure,
 * as ratios (only where both sides are positive: an added latency at or below zero has no ratio).
 */
function renderAgainst(r: BenchResults): string[] {
  const paths = ['floor', 'peer', 'gateway'];
  if (!r.paced.some((p) => p.path === 'peer') && !r.saturated.some((p) => p.path === 'peer') && !r.ttfb.some((p) => p.path === 'peer')) return [];
  const q = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && a > 0 && b > 0 ? `${(a / b).toFixed(2)}×` : '—');
  const rows: string[] = [];
  const line = (label: string, v: Record<string, number | undefined>, fmt: (x: number | undefined) => string) =>
    rows.push(row([label, ...paths.map((p) => fmt(v[p])), q(v.gateway, v.floor), q(v.gateway, v.peer)]));
  for (const rate of r.settings.rates as number[]) {
    const runs = r.paced.filter((p) => p.rate === rate);
    const d = runs.find((p) => p.path === 'direct');
    if (!d) continue;
    const added = (k: 'p50' | 'p99') => Object.fromEntries(paths.map((p) => {
      const x = runs.find((y) => y.path === p);
      return [p, x ? x.latencyMs[k] - d.latencyMs[k] : undefined];
    }));
    line(`paced ${rate} req/s: added p50 (ms)`, added('p50'), plus);
    line(`paced ${rate} req/s: added p99 (ms)`, added('p99'), plus);
  }
  for (const c of [...new Set(r.saturated.map((s) => s.connections))]) {
    const at = (p: string) => r.saturated.find((s) => s.connections === c && s.path === p);
    line(`saturated ${c} conn${c === 1 ? '' : 's'}: req/s`, Object.fromEntries(paths.map((p) => [p, at(p)?.rps])), (x) => (x === undefined ? '—' : x.toFixed(0)));
    line(`saturated ${c} conn${c === 1 ? '' : 's'}: server CPU ms/req`, Object.fromEntries(paths.map((p) => { const s = at(p); return [p, s && serverCpu(s)]; })), ms);
  }
  const d = r.ttfb.find((t) => t.path === 'direct');
  if (d) {
    for (const [label, field] of [['first byte', 'firstByteMs'], ['first token', 'firstContentMs']] as const) {
      for (const k of ['p50', 'p99'] as const) {
        line(`stream: added ${label} ${k} (ms)`, Object.fromEntries(paths.map((p) => {
          const t = r.ttfb.find((x) => x.path === p);
          return [p, t ? t[field][k] - d[field][k] : undefined];
        })), plus);
      }
    }
  }
  if (r.memory) {
    const added = Object.fromEntries(paths.map((p) => [p, r.memory!.paths.find((m) => m.path === p)?.addedMiB]));
    line(`memory: ${r.memory.settings.streams} slow streams, added RSS (MiB)`, added, (x) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(1)));
  }
  return [
    `**The gateway against the floor and the peer** — from the tables above; added = over direct in the same phase. ` +
      `For req/s a ratio above 1 is better; for CPU and added latency, below 1. A ratio is left out (—) where either side is at or below zero. ` +
      `First byte = the first body byte of the SSE stream (the gateway sends one before the provider answers); first token = the first chunk with content.`,
    '',
    ...head(['figure', 'floor', 'peer', 'gateway', 'gateway ÷ floor', 'gateway ÷ peer']),
    ...rows,
    '',
  ];
}

/** The issue's goal (#14): 50 concurrent slow streams add at most 64 MB over idle. */
const MEMORY_GOAL_MIB = 64e6 / 2 ** 20;

function renderMemory(m: MemoryResult, peer: BenchResults['peer']): string[] {
  const s = m.settings;
  const mib = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');
  const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)}` : '—');
  const sec = (v: number) => (Number.isFinite(v) ? (v / 1000).toFixed(1) : '—');
  const out = [
    `**Memory under slow streams** — per path, on a fresh server of its own (checked and warmed up with 300 requests first, closed after): ` +
      `${s.streams} \`stream: true\` requests sent at once (unique prompts), the sim pacing each answer — first token ${s.firstTokenMs} ms, then one every ${s.interTokenMs} ms, ` +
      `${s.tokens} in all (≈${sec(m.expectedStreamMs)} s a stream) — read chunk by chunk as they arrive, to the end. RSS of the path's server ` +
      `(its workerd${peer?.version ? ', or the peer\'s Node process' : ''}) from /proc every ${s.sampleMs} ms: idle = median over ${s.idleMs} ms before the streams; ` +
      `peak = highest sample from the sends to the last stream's end; **added = peak − idle**; after = as the last stream ended; settled = ${s.settleMs} ms later. ` +
      `ok = a 200 ending in \`data: [DONE]\`. MiB.`,
    '',
    ...head(['path', 'ok / streams', 'upstream calls', 'stream s p50 / min / max', 'idle', 'peak', '**added**', 'peak at s', 'after', 'settled', 'settled − idle']),
  ];
  for (const p of m.paths) {
    out.push(row([
      p.path, `${p.completed} / ${p.streams}`, p.upstreamCalls, `${sec(p.streamMs.p50)} / ${sec(p.streamMs.min)} / ${sec(p.streamMs.max)}`,
      mib(p.idleMiB), mib(p.peakMiB), `**${signed(p.addedMiB)}**`, sec(p.peakAtMs), mib(p.afterMiB), mib(p.settledMiB), signed(p.settledMiB - p.idleMiB),
    ]));
  }
  const at = (name: string) => m.paths.find((p) => p.path === name);
  const [g, f, pe] = [at('gateway'), at('floor'), at('peer')];
  const q = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && a > 0 && b > 0 ? `${(a / b).toFixed(2)}×` : '—');
  out.push('');
  if (g) {
    const against = [f && `÷ floor ${q(g.addedMiB, f.addedMiB)} (${signed(g.addedMiB - f.addedMiB)} MiB)`, pe && `÷ peer ${q(g.addedMiB, pe.addedMiB)} (${signed(g.addedMiB - pe.addedMiB)} MiB)`].filter(Boolean);
    if (against.length) out.push(`Added by the gateway ${against.join(', ')}; a ratio only where both sides are above zero.`, '');
    const verdict = g.failed || !Number.isFinite(g.addedMiB) ? 'not judged: streams failed or no samples' : g.addedMiB <= MEMORY_GOAL_MIB ? 'met' : 'not met';
    out.push(`Goal (issue #14): ${s.streams === 50 ? '' : `stated for 50 streams, here ${s.streams}; `}50 concurrent slow streams add ≤ 64 MB (${MEMORY_GOAL_MIB.toFixed(1)} MiB) over idle — ` +
      `the gateway added ${signed(g.addedMiB)} MiB: **${verdict}**.`, '');
  }
  const failures = m.paths.filter((p) => p.failed || p.missingSamples).map((p) => `${p.path}: ${count(p.outcomes)}${p.missingSamples ? `; ${p.missingSamples} samples with its process gone` : ''}`);
  if (failures.length) out.push(`Not all clean: ${failures.join('; ')}.`, '');
  return out;
}

const FANOUT_LABELS: Record<string, string> = { serial: 'serial (direct)', parallel: 'parallel floor (direct)', gateway: 'gateway' };

function renderFanout(f: FanoutResult): string[] {
  const out: string[] = [];
  const s = f.settings;
  out.push(
    `**Fan-out TTFT, \`stream: true\`** — ${s.requests} requests per path at concurrency ${s.concurrency}; the origin's /retrieve takes ${s.retrievalMs} ms and /tools/${s.tool} ${s.toolsMs} ms, ` +
      `the sim's first token ${s.firstTokenMs} ms (${s.tokens} tokens, no inter-token delay). **serial** = the client calls /retrieve, then /tools/${s.tool}, then the provider; ` +
      `**parallel floor** = the client calls both stages at once, then the provider; **gateway** = one request with the \`gateway\` extension (retrieval + tool, no rerank; ` +
      `stage deadlines ${f.gatewayBudgets.retrievalMs} / ${f.gatewayBudgets.toolsMs} ms). All times from the client's first send; first token = first SSE event with non-empty \`delta.content\`; ` +
      `sources = first chunk with \`gateway.sources\`; stages = until the last origin call answered (direct paths).`,
    '',
  );
  out.push(...head(['path', 'ok / sent', 'first token p50', 'p90', 'p99', 'first byte p50', 'p90', 'p99', 'stages / sources p50', 'p99', 'complete p50']));
  for (const p of f.paths) {
    const mid = p.sourcesMs ?? p.stagesMs;
    out.push(row([
      FANOUT_LABELS[p.path] ?? p.path, `${p.firstContentMs.n} / ${p.requests}`,
      ms(p.firstContentMs.p50), ms(p.firstContentMs.p90), ms(p.firstContentMs.p99),
      ms(p.firstByteMs.p50), ms(p.firstByteMs.p90), ms(p.firstByteMs.p99),
      mid ? `${ms(mid.p50)}${p.sourcesMs ? ' (sources)' : ''}` : '—', ms(mid?.p99), ms(p.totalMs.p50),
    ]));
  }
  out.push('');
  const c = f.comparison;
  const pct = (v: { p50: number; p90: number; p99: number }, fmt: (x: number) => string) => [fmt(v.p50), fmt(v.p90), fmt(v.p99)];
  out.push(...head(['gateway first token against', 'p50', 'p90', 'p99']));
  out.push(row([`serial: ms saved`, ...pct(c.savedVsSerialMs, ms)]));
  out.push(row([`serial: gateway ÷ serial`, ...pct(c.ratioVsSerial, (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—'))]));
  out.push(row([`parallel floor: **added by the gateway**`, ...pct(c.addedOverFloorMs, plus)]));
  out.push(row([`reference max(${s.retrievalMs}, ${s.toolsMs}) + ${s.firstTokenMs} = ${f.expectedFloorMs} ms: over it`, ...pct(c.overExpectedMs, plus)]));
  out.push('');
  const failures = f.paths.filter((p) => p.firstContentMs.n !== p.requests).map((p) => `${FANOUT_LABELS[p.path] ?? p.path} (${count(p.outcomes)})`);
  if (failures.length) out.push(`Not a clean 200 (left out of the percentiles): ${failures.join('; ')}.`, '');
  const g = f.gatewayStages;
  if (g.duration_ms) {
    out.push(`Gateway's own log over its fan-out run (workerd's clock, p50 / p99): duration_ms ${ms(g.duration_ms.p50)} / ${ms(g.duration_ms.p99)}` +
      Object.entries(g).filter(([k]) => k !== 'duration_ms').map(([k, v]) => `; ${k} ${ms(v.p50)} / ${ms(v.p99)}`).join('') + '.', '');
  }
  const origin = f.paths.filter((p) => p.originMs && Object.keys(p.originMs).length)
    .map((p) => `${FANOUT_LABELS[p.path] ?? p.path}: ${Object.entries(p.originMs).map(([k, v]) => `${k} ${ms(v.p50)} / ${ms(v.p99)}`).join(', ')}`);
  if (origin.length) out.push(`The origin's own service time per call (the sim's clock, request in → response out, p50 / p99) — ${origin.join('; ')}.`, '');
  out.push(`Differences are percentile against percentile, not paired per request. Zero-overhead references: serial ${f.expectedSerialMs} ms, parallel ${f.expectedFloorMs} ms.`, '');
  return out;
}

const CACHE_LABELS: Record<string, string> = {
  bypass: 'bypass (`gateway.cache: "bypass"`, reference)',
  miss: 'miss (looked up in all 3 layers, then the provider)',
  'hit-memory': 'hit-memory (L1, isolate)',
  'hit-redis': 'hit-redis (L2, fresh isolate)',
  'hit-kv': 'hit-kv (L3, fresh isolate, Redis flushed)',
};

const usd = (v: number) => (Number.isFinite(v) ? `$${v.toFixed(6)}` : '—');
const pctOf = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : '—');

function renderCache(c: CacheResult, uncached: SaturatedResult[]): string[] {
  const out: string[] = [];
  const s = c.settings;
  out.push(
    `**Response cache: latency per layer, non-stream, sequential** — ${s.requests} requests per row at concurrency 1, each row its own ${s.requests} distinct prompts ` +
      `(temperature 0); on a gateway of its own with Redis (a local redis-server behind the test Upstash-REST bridge, which runs inside this Node process) and the runtime's local KV ` +
      `(Miniflare's, persisted on local disk). The sim answers ${s.tokens} tokens after a **${s.firstTokenMs} ms first token** (a realistic provider, so a miss is realistic; hits never reach it). ` +
      `Rows back to back: bypass and miss on new prompts; hit-memory = the miss row's prompts again; hit-redis = again after an isolate restart (memory is per isolate); ` +
      `hit-kv = again after another restart and a Redis FLUSHALL. Every restarted isolate was warmed on other cached prompts first. ` +
      `ok = 200 with the expected \`x-gateway-cache\`; only those are timed. Redis calls = HTTP requests the bridge saw per request, writes off the response path included.`,
    '',
  );
  out.push(...head(['row', 'ok / sent', 'p50', 'p90', 'p99', 'max', 'vs miss p50', 'gateway lookup p50 / p99', 'Redis calls / req']));
  const miss = c.latency.find((l) => l.row === 'miss');
  for (const l of c.latency) {
    const ok = l.outcomes[`200 ${l.row}`] ?? 0;
    out.push(row([
      CACHE_LABELS[l.row] ?? l.row, `${ok} / ${l.requests}`, ms(l.latencyMs.p50), ms(l.latencyMs.p90), ms(l.latencyMs.p99), ms(l.latencyMs.max),
      l.row === 'miss' || !miss ? '' : l.row === 'bypass' ? plus(l.latencyMs.p50 - miss.latencyMs.p50) : `${ratio(l.latencyMs.p50, miss.latencyMs.p50).replace('×', '')}× (${plus(l.latencyMs.p50 - miss.latencyMs.p50)})`,
      l.gatewayMs.cacheLookup.n ? `${ms(l.gatewayMs.cacheLookup.p50)} / ${ms(l.gatewayMs.cacheLookup.p99)}` : '—',
      l.redisCallsPerRequest.toFixed(2),
    ]));
  }
  out.push('');
  const off = c.latency.filter((l) => (l.outcomes[`200 ${l.row}`] ?? 0) !== l.requests).map((l) => `${l.row} (${count(l.outcomes)})`);
  if (off.length) out.push(`Not as expected (left out of the percentiles): ${off.join('; ')}.`, '');
  out.push(
    `Gateway lookup = the \`cache\` stage of the gateway's own log line (workerd's clock, which only advances on I/O). ` +
      `L2 and L3 here are on the same machine: in production Upstash is a network round trip away and KV reads that miss the colo's edge cache take tens of ms, so their rows are lower bounds; ` +
      `the memory row is what production sees. Isolate restarts (\`setConfig\`) took ${c.restartMs.map((v) => v.toFixed(0)).join(', ')} ms.`,
    '',
  );

  if (c.saturated.length) {
    out.push(`**Memory hits, saturated** — autocannon, closed loop, ${s.satSeconds} s per point, the same body on every request (all hit memory after the first; checked against the gateway's log lines). ` +
      `"vs uncached" = against the gateway's saturated non-stream run above at the same connections (every prompt new, the sim answering at once: the cheapest possible miss).`, '');
    out.push(...head(['conns', 'req/s', 'p50', 'p99', 'vs uncached', 'workerd CPU ms/req', 'node CPU ms/req', 'logged as', 'non-2xx / errors']));
    for (const r of c.saturated) {
      const base = uncached.find((x) => x.path === 'gateway' && x.connections === r.connections);
      out.push(row([
        r.connections, r.rps.toFixed(0), ms(r.latencyMs.p50), ms(r.latencyMs.p99), ratio(r.rps, base?.rps),
        ms(r.cpuMsPerReq.workerd), ms(r.cpuMsPerReq.loadgen), count(r.logged) || '—', `${r.non2xx} / ${r.errors + r.timeouts}`,
      ]));
    }
    out.push('');
  }

  const z = c.zipf;
  const zs = s.zipf;
  out.push(
    `**Cost on a repeated-intent workload** — ${zs.requests} requests drawn from a Zipf distribution (s = ${zs.s}) over ${zs.prompts} distinct prompts (seed ${zs.seed}; ` +
      `${z.distinct} distinct prompts drawn, so at most ${(100 * z.ceiling).toFixed(1)}% can be hits), temperature 0, concurrency ${zs.concurrency}, the sim's first token ${s.firstTokenMs} ms; ` +
      `the same sequence twice: with \`gateway: {cache: "bypass"}\`, and through the cache` +
      (zs.restarts ? `, restarting the isolate ${zs.restarts}× at even intervals (memory lost as isolates come and go; Redis and KV kept)` : '') +
      `. Cost = the sum of \`x-gateway-cost-usd\` (absent on hits = 0); upstream calls = the sim's own count; coalesced = hits that joined an identical request in flight (single-flight, reported as hit-memory).`,
    '',
  );
  out.push(...head(['run', 'ok / sent', 'upstream calls', 'miss', 'hit-memory', 'of which coalesced', 'hit-redis', 'hit-kv', 'hit rate', 'total cost', 'per 1k req', 'wall s', 'p50', 'p99']));
  for (const r of z.runs) {
    const hits = (r.layers['hit-memory'] ?? 0) + (r.layers['hit-redis'] ?? 0) + (r.layers['hit-kv'] ?? 0);
    const layer = (k: string) => (r.mode === 'bypass' ? '—' : `${r.layers[k] ?? 0} (${pctOf(r.layers[k] ?? 0, r.ok)})`);
    out.push(row([
      r.mode, `${r.ok} / ${r.requests}`, r.upstreamCalls,
      layer('miss'), layer('hit-memory'), r.mode === 'bypass' ? '—' : r.coalesced, layer('hit-redis'), layer('hit-kv'),
      r.mode === 'bypass' ? `— (${r.layers.bypass ?? 0} bypass)` : pctOf(hits, r.ok), usd(r.costUsd), usd(r.ok ? (r.costUsd * 1000) / r.ok : NaN), r.wallS.toFixed(1),
      ms(r.latencyMs.p50), ms(r.latencyMs.p99),
    ]));
  }
  out.push('');
  const [b, k] = [z.runs.find((r) => r.mode === 'bypass'), z.runs.find((r) => r.mode === 'cache')];
  if (b && k) {
    out.push(`**Saved by the cache: ${z.costSavedPct.toFixed(1)}% of the cost** (${usd(b.costUsd)} → ${usd(k.costUsd)}) and ${z.upstreamSavedPct.toFixed(1)}% of the upstream calls ` +
      `(${b.upstreamCalls} → ${k.upstreamCalls}; ${z.distinct} is the least possible). ` +
      `Wall time excludes the isolate restarts themselves; a restarted isolate gets no warm-up, so the cached run's tail includes fresh isolates' first requests.`, '');
  }
  const anomalies = z.runs.filter((r) => r.costAnomalies || r.ok !== r.requests).map((r) => `${r.mode}: ${r.costAnomalies} responses whose cost disagreed with their cache status; outcomes ${count(r.outcomes)}`);
  if (anomalies.length) out.push(`Check: ${anomalies.join('; ')}.`, '');
  return out;
}

const spread = (xs: number[], f: (x: number) => string) => xs.map(f).join(' / ');

function renderObservability(o: ObservabilityResult): string[] {
  const s = o.settings;
  const out: string[] = [];
  out.push(
    `**Observability: export and stats on vs off, and their failures** — one gateway per variant (each its own workerd), all against the same sim (${s.tokens} tokens at once), ` +
      `${s.rounds} round${s.rounds === 1 ? '' : 's'}, the variants in alternating order (forward, then reversed). Paced: open loop, ${s.rate} req/s × ${s.seconds} s per variant per round, p50 and p99 = the median of the rounds' own. ` +
      `Saturated: autocannon, ${s.connections} connections × ${s.satSeconds} s per variant per round; req/s and CPU (workerd ms per 2xx, its Durable Object included) = the median of the rounds'. ` +
      `Stats: \`stats.flushMs\` ${s.flushMs}; export: the OTLP timeout ${o.otlpTimeoutMs} ms (default). Faults run on top of "both". ` +
      `Spans and stats failures: over each gateway's whole life (warm-up included); "served" = requests it answered.`,
    '',
  );
  out.push(...head(['variant', 'req/s (vs off)', 'CPU ms/req', 'CPU vs off', 'p50', 'p99', 'added p50', 'added p99', 'non-2xx / errors', 'spans exported / dropped / failed', 'stats flushes failed', 'served']));
  const off = o.variants.find((v) => v.name === 'off');
  for (const v of o.variants) {
    const base = v === off ? undefined : off;
    const t = v.tracing;
    out.push(row([
      v.name, `${v.rps.toFixed(0)}${base ? ` (${ratio(v.rps, base.rps)})` : ''}`, ms(v.cpuMsPerReq), base ? ratio(v.cpuMsPerReq, base.cpuMsPerReq) : '',
      ms(v.p50), ms(v.p99), base ? plus(v.p50 - base.p50) : '', base ? plus(v.p99 - base.p99) : '',
      `${v.failures.pacedNot200 + v.failures.non2xx} / ${v.failures.errors}`,
      t ? `${t.exported} / ${t.dropped} / ${t.failed}${t.buffered ? ` (+${t.buffered} buffered)` : ''}` : '—',
      v.statsFlushFailed === undefined ? '—' : `${v.statsFlushFailed}${v.statsFlushFailed ? ` (${v.statsDroppedRequests} req. dropped)` : ''}`,
      v.served,
    ]));
  }
  out.push('');
  const faults = o.variants.flatMap((v) => {
    const h = o.variants.find((x) => x.name === v.healthy);
    return h ? [row([`${v.name} vs ${h.name}`, ratio(v.rps, h.rps), ratio(v.cpuMsPerReq, h.cpuMsPerReq), plus(v.p50 - h.p50), plus(v.p99 - h.p99)])] : [];
  });
  if (faults.length) out.push(...head(['fault, against its healthy variant', 'req/s', 'CPU', 'added p50', 'added p99']), ...faults, '');
  const noise = Object.entries(o.noise).filter(([, n]) => n.p50.length)
    .map(([name, n]) => `"${name}" paced p50 ${spread(n.p50, ms)}, p99 ${spread(n.p99, ms)} ms; saturated ${spread(n.rps, (x) => x.toFixed(0))} req/s at ${spread(n.cpuMsPerReq, ms)} ms CPU`);
  const again = o.noise['off, again']?.p50.length ? ' "off, again" is a second gateway identical to "off": its row is what no difference looks like in this run.' : '';
  if (noise.length) out.push(`Noise, round by round — ${noise.join('; ')}.${again}`, '');
  const received = o.variants.filter((v) => v.collectorSpans !== undefined).map((v) => `${v.name} ${v.collectorSpans} spans in ${v.collectorPosts} POSTs`);
  const hung = o.variants.filter((v) => v.collectorSpans === undefined && v.collectorPosts !== undefined).map((v) => `${v.name} ${v.collectorPosts} POSTs accepted and left unanswered`);
  const counted = o.variants.filter((v) => v.statsRequests !== undefined).map((v) => `${v.name} ${v.statsRequests}`);
  if (received.length || hung.length) out.push(`The collector received: ${[...received, ...hung].join('; ')}.`, '');
  if (counted.length) out.push(`Requests the stats object counted (GET /admin/stats; a request counts once its isolate's shipment lands): ${counted.join('; ')}.`, '');
  return out;
}

const bytes = (v: number) => v.toLocaleString('en-US');

/** Bundle size against issue #14's goal, then the isolate-start table (also `npm run bench:coldstart`'s output). */
export function renderColdStartPhase(c: ColdStartPhaseResult): string[] {
  const b = c.bundle;
  const over = b.raw - b.goalBytes;
  return [
    `**Deploy bundle** — built as \`wrangler deploy\` uploads it (\`--dry-run\` into a temporary folder, as \`npm run bundle:size\`), source maps not counted: ` +
      `**${bytes(b.raw)} B** minified, ${bytes(b.gzip)} B gzip (${b.modules.join(', ')}).`,
    '',
    `Goal (issue #14): bundle ≤ 300 KB minified, read as 300 KiB = ${bytes(b.goalBytes)} B of the raw (minified, not gzipped) upload — ` +
      `${bytes(b.raw)} B is ${ratio(b.raw, b.goalBytes)} of it (${over > 0 ? `${bytes(over)} B over` : `${bytes(-over)} B to spare`}): **${over > 0 ? 'not met' : 'met'}**.`,
    '',
    ...renderColdStart(c.isolateStart),
  ];
}

function renderColdStart(c: ColdStartResult): string[] {
  const [floor, gateway] = [c.paths.find((p) => p.path === 'floor')!, c.paths.find((p) => p.path === 'gateway')!];
  const out = [
    `**Isolate start** — ${c.runs} fresh workerd processes per path through the Miniflare API, floor and gateway alternating. ` +
      `ready = \`new Miniflare(…)\` → \`ready\` (workerd up, the script parsed, its top level run); first request = a non-stream chat completion ` +
      `right after, read to the end (the sim answers at once); total = both. Script = the module workerd loads (the gateway's: ${gateway.script.file}).`,
    '',
    ...head(['path', 'script raw B', 'script gzip B', 'ready p50', 'ready max', 'first request p50', 'first request max', 'total p50', 'total max', 'failed']),
  ];
  for (const p of [floor, gateway]) {
    out.push(row([p.path, bytes(p.script.raw), bytes(p.script.gzip), ms(p.readyMs.p50), ms(p.readyMs.max), ms(p.firstRequestMs.p50), ms(p.firstRequestMs.max), ms(p.totalMs.p50), ms(p.totalMs.max), p.failed]));
  }
  out.push(
    row([
      'gateway ÷ floor', ratio(gateway.script.raw, floor.script.raw), ratio(gateway.script.gzip, floor.script.gzip), ratio(gateway.readyMs.p50, floor.readyMs.p50), ratio(gateway.readyMs.max, floor.readyMs.max),
      ratio(gateway.firstRequestMs.p50, floor.firstRequestMs.p50), ratio(gateway.firstRequestMs.max, floor.firstRequestMs.max), ratio(gateway.totalMs.p50, floor.totalMs.p50), ratio(gateway.totalMs.max, floor.totalMs.max), '',
    ]),
    row(['gateway − floor', '', '', plus(gateway.readyMs.p50 - floor.readyMs.p50), '', plus(gateway.firstRequestMs.p50 - floor.firstRequestMs.p50), '', plus(gateway.totalMs.p50 - floor.totalMs.p50), '', '']),
    '',
  );
  return out;
}
