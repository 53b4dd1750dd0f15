import { describe, expect, it } from 'vitest';
import { emptySummary, foldTrace, type VariantFigures } from '../stats/summary';
import { FakeClock } from '../util/clock';
import { CanaryBook, MemoryCanaryStorage, type CanaryFigures } from './book';
import type { CanaryConfig } from './config';
import { armFigures, judgeCanary } from './decide';

const canary = (alarms: CanaryConfig['alarms'], over: Partial<CanaryConfig> = {}): CanaryConfig => ({
  id: 'big', kind: 'model', from: 'sim-small', to: 'sim-large', percent: 50, windowSeconds: 60, minRequests: 10, alarms, ...over,
});

/** `n` requests of one variant, each `ms` long, folded the way isolates fold them. */
function variant(label: string, n: number, { ms = 100, error = 0, refusal = 0, contract, cost = 0.001 }: { ms?: number; error?: number; refusal?: number; contract?: string; cost?: number } = {}): VariantFigures {
  const s = emptySummary();
  for (let i = 0; i < n; i++) {
    foldTrace(s, {
      fields: { variant: label, cost_usd: cost, ...(i < refusal ? { refusal: true } : {}), ...(contract ? { contract: i < n / 2 ? contract : 'valid' } : {}) },
      status: 200, errorCode: i < error ? 'upstream_error' : undefined, usage: undefined, duration: () => ms, spans: [],
    });
  }
  return s.variants[label]!;
}

const judge = (c: CanaryConfig, v: VariantFigures, tasks?: { succeeded: number; failed: number; succeeded_cost_usd: number }) =>
  Object.entries(judgeCanary(c, armFigures(v, tasks))).filter(([, x]) => x.breached).map(([k]) => k);

describe('the rollback decision', () => {
  it('breaches on each alarm over its absolute threshold, with enough candidate requests', () => {
    expect(judge(canary({ p95Ms: 500 }), variant('big:candidate', 20, { ms: 800 }))).toEqual(['p95Ms']);
    expect(judge(canary({ p95Ms: 500 }), variant('big:candidate', 20, { ms: 300 }))).toEqual([]);
    expect(judge(canary({ errorRate: 0.1 }), variant('big:candidate', 20, { error: 5 }))).toEqual(['errorRate']);
    expect(judge(canary({ errorRate: 0.1 }), variant('big:candidate', 20, { error: 2 }))).toEqual([]);
    expect(judge(canary({ refusalRate: 0.05 }), variant('big:candidate', 20, { refusal: 2 }))).toEqual(['refusalRate']);
    expect(judge(canary({ parseErrorRate: 0.2 }), variant('big:candidate', 20, { contract: 'repaired' }))).toEqual(['parseErrorRate']);
    const v = variant('big:candidate', 20);
    expect(judge(canary({ costPerSuccessUsd: 0.01 }), v, { succeeded: 2, failed: 0, succeeded_cost_usd: 0.05 })).toEqual(['costPerSuccessUsd']);
    expect(judge(canary({ costPerSuccessUsd: 0.01 }), v, { succeeded: 2, failed: 0, succeeded_cost_usd: 0.01 })).toEqual([]);
    // No feedback yet: no cost per success to judge.
    expect(judge(canary({ costPerSuccessUsd: 0.01 }), v)).toEqual([]);
  });

  it('never breaches below minRequests', () => {
    expect(judge(canary({ p95Ms: 500, errorRate: 0 }), variant('big:candidate', 9, { ms: 5000, error: 9 }))).toEqual([]);
  });

  it('rolls an active canary back once, over its window, and leaves a healthy one and the control alone', () => {
    const clock = new FakeClock(1_000_000);
    const book = new CanaryBook(new MemoryCanaryStorage(), clock);
    const slow = canary({ p95Ms: 500 });
    const healthy = canary({ p95Ms: 500 }, { id: 'ok' });
    const since: number[] = [];
    const figures: CanaryFigures = {
      variants: (t) => {
        since.push(t);
        // The control is slow too: a canary is judged on its candidate only.
        return { 'big:candidate': variant('big:candidate', 12, { ms: 900 }), 'big:control': variant('big:control', 12, { ms: 900 }), 'ok:candidate': variant('ok:candidate', 50, { ms: 100 }) };
      },
      tasks: () => ({}),
    };
    const first = book.check([slow, healthy], figures);
    expect(first.map((r) => [r.canary.id, r.alarms, r.row.state])).toEqual([['big', ['p95Ms'], 'rolled_back']]);
    expect(since).toContain(1_000_000 - 60_000);
    expect(book.check([slow, healthy], figures)).toEqual([]); // decided: judged no more
    const view = book.view([slow, healthy], figures, 0);
    expect(view.big).toMatchObject({ state: 'rolled_back', reason: 'alarm: p95Ms', candidate: { requests: 12 }, control: { requests: 12 } });
    expect(view.ok).toMatchObject({ state: 'active', alarms: { p95Ms: { threshold: 500, breached: false } } });
    // The same id trying something else starts afresh.
    expect(book.view([{ ...slow, to: 'sim-other' }], figures, 0).big!.state).toBe('active');
  });
});
