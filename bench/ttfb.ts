// Time to the first SSE body byte (and to the first content token) for `stream: true` requests,
// a fixed number of them at low concurrency.
import type { Agent } from 'node:http';
import { chatBody, ok, outcomes, post } from './client.ts';
import type { Target, Timing } from './client.ts';
import { summarize } from './stats.ts';
import type { Summary } from './stats.ts';

export interface TtfbResult {
  path: string;
  requests: number;
  concurrency: number;
  headersMs: Summary;
  firstByteMs: Summary;
  firstContentMs: Summary;
  totalMs: Summary;
  outcomes: Record<string, number>;
}

export async function runTtfb(agent: Agent, target: Target, requests: number, concurrency: number, budgetMs: number): Promise<TtfbResult> {
  const timings: Timing[] = [];
  const deadline = Date.now() + budgetMs;
  let next = 0;
  const worker = async () => {
    while (next < requests && Date.now() < deadline) {
      const n = next++;
      timings.push(await post(agent, target, chatBody(`${target.name}-ttfb-${n}`, true), 10_000, { watchContent: true }));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const good = timings.filter(ok);
  const pick = (f: (t: Timing) => number | undefined) => summarize(good.map(f).filter((v): v is number => v !== undefined));
  return {
    path: target.name,
    requests: timings.length,
    concurrency,
    headersMs: pick((t) => t.headersMs),
    firstByteMs: pick((t) => t.firstByteMs),
    firstContentMs: pick((t) => t.firstContentMs),
    totalMs: pick((t) => t.totalMs),
    outcomes: outcomes(timings),
  };
}
