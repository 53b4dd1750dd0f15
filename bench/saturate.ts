// Closed-loop saturation with autocannon: `connections` requests always in flight for `seconds`.
// Latencies are taken from autocannon's per-response event (sub-ms), not its 1-ms histogram.
// CPU of the given processes is read from /proc before and after, per completed request.
/// <reference path="./autocannon.d.ts" />
import autocannon from 'autocannon';
import type { Result as AutocannonResult } from 'autocannon';
import { performance } from 'node:perf_hooks';
import { cpuMs, rssMiB } from './procstat.ts';
import { chatBody } from './client.ts';
import type { Target } from './client.ts';
import { summarize } from './stats.ts';
import type { Summary } from './stats.ts';

export interface SaturatedResult {
  path: string;
  connections: number;
  seconds: number;
  completed: number;
  /** 2xx responses per second over the run. */
  rps: number;
  latencyMs: Summary;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU ms per 2xx response, per watched process (by role), and RSS after. */
  cpuMsPerReq: Record<string, number>;
  rssMiB: Record<string, number>;
}

/** Processes whose CPU and memory to attribute to a run, by role (e.g. workerd, sim). */
export type Watched = Record<string, number[]>;

/**
 * `body`: send this one body on every request (e.g. to measure cache hits) instead of a fresh
 * prompt per request.
 */
export async function runSaturated(target: Target, connections: number, seconds: number, watched: Watched, opts: { body?: string } = {}): Promise<SaturatedResult> {
  const latencies: number[] = [];
  let ok = 0;
  let seq = 0;
  const before = cpuSnapshot(watched);
  const started = performance.now();
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: 'POST',
        headers: { ...target.headers, 'content-type': 'application/json' },
        // Unless opts.body: a fresh prompt on every request, so nothing can answer from a cache. (Not autocannon's
        // idReplacement: it sets Content-Length for a fixed id length, and its ids vary.)
        ...(opts.body !== undefined
          ? { body: opts.body }
          : { requests: [{ method: 'POST', setupRequest: (req: object) => ({ ...req, body: chatBody(`${target.name}-sat-${++seq}`) }) }] }),
        connections,
        duration: seconds,
        timeout: 10,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
      if (status >= 200 && status < 300) {
        ok++;
        latencies.push(responseTime);
      }
    });
  });
  const elapsed = (performance.now() - started) / 1000;
  const after = cpuSnapshot(watched);
  const cpuMsPerReq: Record<string, number> = {};
  const rss: Record<string, number> = {};
  for (const role of Object.keys(watched)) {
    cpuMsPerReq[role] = ok ? (after[role]! - before[role]!) / ok : NaN;
    rss[role] = watched[role]!.reduce((sum, pid) => sum + rssMiB(pid), 0);
  }
  return {
    path: target.name,
    connections,
    seconds,
    completed: ok,
    rps: ok / elapsed,
    latencyMs: summarize(latencies),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    cpuMsPerReq,
    rssMiB: rss,
  };
}

function cpuSnapshot(watched: Watched): Record<string, number> {
  const snap: Record<string, number> = {};
  for (const [role, pids] of Object.entries(watched)) {
    snap[role] = role === 'loadgen' ? ownCpuMs() : pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
  }
  return snap;
}

/** This process (the load generator and Miniflare's Node side), from process.cpuUsage. */
function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
