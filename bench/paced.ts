// Open-loop paced load: requests leave at fixed intervals whatever is still outstanding, so a slow
// server shows up as latency (measured from each request's actual send), not as a lower rate.
import type { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { chatBody, keepAliveAgent, ok, outcomes, post } from './client.ts';
import type { Target, Timing } from './client.ts';
import { summarize } from './stats.ts';
import type { Summary } from './stats.ts';

export interface PacedOptions {
  rate: number;
  seconds: number;
  stream?: boolean;
  timeoutMs?: number;
  /** Return every 200's latency too (`samplesMs`), to pool percentiles over several runs. */
  keepSamples?: boolean;
}

export interface PacedResult {
  path: string;
  rate: number;
  seconds: number;
  sent: number;
  /** Achieved send rate (req/s) over the send window. */
  sendRate: number;
  latencyMs: Summary;
  /** How late each send was against its slot (scheduler lag on this noisy box). */
  sendLagMs: Summary;
  outcomes: Record<string, number>;
  /** 200 responses per second, from the first send to the last response. */
  completionRate: number;
  /** p50 latency over the first and over the last tenth of the sends. */
  trendMs: { first: number; last: number };
  /** The path could not keep up: it completed less than 90% of the offered rate. */
  overloaded: boolean;
  /** The 200s' latencies, in send order, when asked for (`keepSamples`). */
  samplesMs?: number[];
}

export async function runPaced(agent: Agent, target: Target, opts: PacedOptions): Promise<PacedResult> {
  const { rate, seconds, stream = false, timeoutMs = 10_000, keepSamples = false } = opts;
  const count = Math.max(1, Math.round(rate * seconds));
  const interval = 1000 / rate;
  const pending: Promise<Timing>[] = [];
  const lags: number[] = [];
  const start = performance.now() + 20;
  const hardStop = start + seconds * 1000 + 5_000; // the send loop never outlives this
  let i = 0;
  while (i < count && performance.now() < hardStop) {
    const now = performance.now();
    // Everything whose slot has come goes now (catch-up after a stall), then sleep to the next slot.
    while (i < count && start + i * interval <= now) {
      const due = start + i * interval;
      const p = post(agent, target, chatBody(`${target.name}-paced-${i}`, stream), timeoutMs);
      lags.push(performance.now() - due);
      pending.push(p);
      i++;
    }
    if (i < count) await sleep(Math.max(0, start + i * interval - performance.now()));
  }
  const sendWindow = (performance.now() - start) / 1000;
  const timings = await Promise.all(pending); // each one bounded by timeoutMs
  const good = timings.filter(ok);
  const lastEnd = good.reduce((m, t) => Math.max(m, t.sentAt + t.totalMs!), start);
  const completionRate = good.length / Math.max((lastEnd - start) / 1000, 1e-9);
  const tenth = Math.max(1, Math.floor(timings.length / 10));
  const p50Of = (ts: Timing[]) => summarize(ts.filter(ok).map((t) => t.totalMs!)).p50;
  const trendMs = { first: p50Of(timings.slice(0, tenth)), last: p50Of(timings.slice(-tenth)) };
  return {
    path: target.name,
    rate,
    seconds,
    sent: pending.length,
    sendRate: pending.length / Math.max(sendWindow, 1e-9),
    latencyMs: summarize(good.map((t) => t.totalMs!)),
    sendLagMs: summarize(lags),
    outcomes: outcomes(timings),
    completionRate,
    trendMs,
    overloaded: completionRate < 0.9 * rate,
    ...(keepSamples ? { samplesMs: good.map((t) => t.totalMs!) } : {}),
  };
}

/** A few hundred closed-loop requests so JIT, connection pools and caches are warm. */
export async function warmUp(agent: Agent, target: Target, requests = 300, concurrency = 8): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      const n = next++;
      await post(agent, target, chatBody(`${target.name}-warm-${n}`, n % 2 === 1), 10_000);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Throws unless the path answers a real completion with a 200; then warms it up (`warmUp`). Each on an agent of its own. */
export async function checkAndWarm(target: Target): Promise<void> {
  const check = keepAliveAgent();
  const r = await post(check, target, chatBody(`${target.name}-check`), 10_000);
  check.destroy();
  if (r.error || r.status !== 200) throw new Error(`${target.name} did not answer 200: ${r.error ?? r.status}`);
  const agent = keepAliveAgent();
  await warmUp(agent, target);
  agent.destroy();
}
