// Memory under slow streams: what BENCH_MEM_STREAMS (50) concurrent `stream: true` requests that
// each last ~10 s add to a path's server process, over that process idle.
//
// Per path (floor, gateway, peer when installed), one after the other, each on a fresh server of
// its own (started for this phase and closed after it, so every path starts from the same state
// and no earlier phase's load is left in its heap): check it answers, warm it up (300 requests
// with the sim answering at once), then sample the server's RSS — its workerd, or the peer's Node
// process, from /proc/<pid>/status — every BENCH_MEM_SAMPLE_MS (100) ms: BENCH_MEM_IDLE_MS (1000)
// ms idle, then while the streams run, then BENCH_MEM_SETTLE_MS (2000) ms after the last closed.
// The sim paces every answer: the first token after BENCH_MEM_FIRST_TOKEN_MS (100) ms, then one
// every BENCH_MEM_INTER_TOKEN_MS (100) ms, BENCH_MEM_TOKENS (100) in all (≈10 s a stream). The
// streams all open at once (unique prompts, nothing cacheable) and are read as a browser reads
// them: each chunk as it arrives, to the end. A stream counts as complete when it is a 200 that
// ended with `data: [DONE]`.
// idle = the median of the idle samples; peak = the highest sample from the first send to the last
// stream's end; added = peak − idle.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { chatBody, keepAliveAgent, ok, post } from './client.ts';
import type { Target, Timing } from './client.ts';
import { checkAndWarm } from './paced.ts';
import { rssMiB } from './procstat.ts';
import type { SimProcess } from './sim.ts';
import { summarize } from './stats.ts';
import type { Summary } from './stats.ts';

export interface MemorySettings {
  streams: number;
  firstTokenMs: number;
  interTokenMs: number;
  tokens: number;
  sampleMs: number;
  idleMs: number;
  settleMs: number;
}

/** A path's server, started for this phase: where to send, the processes that are its own, how to stop it. */
export interface MemoryServer {
  target: Target;
  pids: number[];
  close(): Promise<void>;
}

export interface MemoryPath {
  name: string;
  start(): Promise<MemoryServer>;
}

export interface MemoryContext {
  sim: SimProcess;
  /** The sim scope every path's requests reach. */
  scope: string;
  paths: MemoryPath[];
  /** Sets the sim to answer at once (for the check and the warm-up). */
  prepareSim(): Promise<void>;
  log(msg: string): void;
  onCleanup(name: string, close: () => Promise<void>): void;
}

export interface MemoryPathResult {
  path: string;
  pids: number[];
  streams: number;
  /** 200s that ended with `data: [DONE]`. */
  completed: number;
  failed: number;
  /** "200", "200 without [DONE]", "503", "error: …" */
  outcomes: Record<string, number>;
  /** Chat completions the sim saw during the streams. */
  upstreamCalls: number;
  /** RSS in MiB (summed over `pids`). */
  idleMiB: number;
  idleRangeMiB: [number, number];
  peakMiB: number;
  addedMiB: number;
  /** Right after the last stream ended, and `settleMs` later. */
  afterMiB: number;
  settledMiB: number;
  /** When the peak was sampled, in ms after the streams were sent. */
  peakAtMs: number;
  /** Send → end of each complete stream, ms. */
  streamMs: Summary;
  /** Body chunks each complete stream arrived in. */
  chunks: Summary;
  /** Every sample: [ms after the streams were sent (negative while idle), MiB]. */
  samples: Array<[number, number]>;
  /** Samples where a server process was gone (its RSS unreadable); none in a healthy run. */
  missingSamples: number;
}

export interface MemoryResult {
  settings: MemorySettings;
  /** How long one stream takes at the sim's pacing, with no overhead. */
  expectedStreamMs: number;
  paths: MemoryPathResult[];
}

export const expectedStreamMs = (s: MemorySettings) => s.firstTokenMs + (s.tokens - 1) * s.interTokenMs;

/**
 * Gateway budgets (testConfig's `budgets`) that let a stream at this pacing run to its end: `base`'s,
 * raised where they would cut it (testConfig's own: first token 1500, idle 1000, total 10000 ms).
 */
export function memoryBudgets(s: MemorySettings, base: Record<string, number>): Record<string, number> {
  const atLeast = (key: string, own: number, need: number) => Math.ceil(Math.max(base[key] ?? own, need));
  return {
    ...base,
    firstTokenMs: atLeast('firstTokenMs', 1500, s.firstTokenMs + 1000),
    idleMs: atLeast('idleMs', 1000, s.interTokenMs + 1000),
    totalMs: atLeast('totalMs', 10_000, 2 * expectedStreamMs(s) + 5000),
  };
}

const median = (xs: number[]) => summarize(xs).p50;

export async function runMemory(ctx: MemoryContext, settings: MemorySettings): Promise<MemoryResult> {
  const paths: MemoryPathResult[] = [];
  for (const p of ctx.paths) {
    const server = await p.start();
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await server.close();
    };
    ctx.onCleanup(`memory ${p.name}`, close);
    ctx.log(`memory ${p.name}: fresh server at ${server.target.url} (pid ${server.pids.join(',')}); checking and warming up`);
    await ctx.prepareSim();
    await checkAndWarm(server.target);
    paths.push(await measure(ctx, server, settings));
    await close(); // its memory and core back before the next path
  }
  return { settings, expectedStreamMs: expectedStreamMs(settings), paths };
}

async function measure(ctx: MemoryContext, server: MemoryServer, s: MemorySettings): Promise<MemoryPathResult> {
  const { target, pids } = server;
  await ctx.sim.reset();
  await ctx.sim.setFaults(ctx.scope, { firstTokenMs: s.firstTokenMs, interTokenMs: s.interTokenMs, tokens: s.tokens });

  // RSS every sampleMs; times relative to the send, set once the idle window is over.
  const raw: Array<[number, number]> = [];
  const take = () => {
    const mib = pids.reduce((sum, pid) => sum + rssMiB(pid), 0);
    raw.push([performance.now(), mib]);
    return mib;
  };
  take();
  const timer = setInterval(take, s.sampleMs);
  try {
    await sleep(s.idleMs);
    ctx.log(`memory ${target.name}: ${s.streams} streams of ~${(expectedStreamMs(s) / 1000).toFixed(1)} s at once`);
    const agent = keepAliveAgent();
    const sentAt = performance.now();
    take();
    // Bounded: a stream that stops moving for idleTimeout is cut by post(); all of them by the deadline.
    const idleTimeout = Math.max(10_000, s.firstTokenMs + 5 * s.interTokenMs);
    const deadline = setTimeout(() => agent.destroy(), 2 * expectedStreamMs(s) + 15_000);
    const reads = Array.from({ length: s.streams }, (_, i) => {
      let tail = '';
      let chunks = 0;
      return post(agent, target, chatBody(`${target.name}-mem-${i}`, true), idleTimeout, {
        onChunk: (chunk) => {
          chunks++;
          tail = (tail + chunk.toString('utf8')).slice(-64);
        },
      }).then((t) => ({ t, chunks, done: tail.includes('data: [DONE]') }));
    });
    const results = await Promise.all(reads);
    clearTimeout(deadline);
    const endedAt = performance.now();
    const afterMiB = take();
    agent.destroy();
    await sleep(s.settleMs);
    const settledMiB = take();
    clearInterval(timer);

    const complete = results.filter((r) => ok(r.t) && r.done);
    const outcomes: Record<string, number> = {};
    for (const r of results) {
      const key = outcome(r.t, r.done);
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
    const idle = raw.filter(([t, v]) => t < sentAt && Number.isFinite(v)).map(([, v]) => v);
    const during = raw.filter(([t, v]) => t >= sentAt && t <= endedAt && Number.isFinite(v));
    const peak = during.reduce((best, x) => (x[1] > best[1] ? x : best), [sentAt, -Infinity] as [number, number]);
    const idleMiB = median(idle);
    const calls = await ctx.sim.providerCalls();
    const r: MemoryPathResult = {
      path: target.name,
      pids,
      streams: s.streams,
      completed: complete.length,
      failed: s.streams - complete.length,
      outcomes,
      upstreamCalls: calls.length,
      idleMiB,
      idleRangeMiB: [Math.min(...idle), Math.max(...idle)],
      peakMiB: during.length ? peak[1] : NaN,
      addedMiB: peak[1] - idleMiB,
      afterMiB,
      settledMiB,
      peakAtMs: peak[0] - sentAt,
      streamMs: summarize(complete.map((c) => c.t.totalMs!)),
      chunks: summarize(complete.map((c) => c.chunks)),
      samples: raw.map(([t, v]) => [Math.round(t - sentAt), Math.round(v * 10) / 10]),
      missingSamples: raw.filter(([, v]) => !Number.isFinite(v)).length,
    };
    ctx.log(`memory ${target.name}: idle ${idleMiB.toFixed(1)} MiB, peak ${r.peakMiB.toFixed(1)} (+${r.addedMiB.toFixed(1)}), ` +
      `after ${afterMiB.toFixed(1)}, settled ${settledMiB.toFixed(1)}; ${r.completed}/${s.streams} complete`);
    return r;
  } finally {
    clearInterval(timer);
  }
}

function outcome(t: Timing, done: boolean): string {
  if (t.error) return `error: ${t.error}`;
  return t.status === 200 && !done ? '200 without [DONE]' : String(t.status);
}
