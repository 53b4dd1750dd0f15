import { describe, expect, it } from 'vitest';
import { compareRetrievals, shadowRetrieval } from './shadow';

const c = (id: string, score: number) => ({ id, text: id, score });

describe('compareRetrievals', () => {
  it('overlap@k is the share of live ids the shadow also found; drift the mean rank-by-rank score gap', () => {
    const r = compareRetrievals([c('a', 0.9), c('b', 0.8), c('c', 0.7), c('d', 0.6)], [c('a', 0.88), c('x', 0.8), c('c', 0.75), c('b', 0.6)]);
    expect(r.overlap).toBe(0.75);
    expect(r.drift).toBeCloseTo((0.02 + 0 + 0.05 + 0) / 4, 12);
  });

  it('identical results: overlap 1, drift 0; an empty shadow: overlap 0', () => {
    const live = [c('a', 0.9), c('b', 0.8)];
    expect(compareRetrievals(live, live)).toEqual({ overlap: 1, drift: 0 });
    expect(compareRetrievals(live, []).overlap).toBe(0);
  });
});

describe('shadowRetrieval', () => {
  it('sends only the sampled share, and never when the sample is 0', () => {
    const calls: unknown[] = [];
    const deps = { shadow: { indexVersion: 'v8', sample: 0.25, record: () => {} }, background: (p: Promise<unknown>) => void calls.push(p) } as never;
    let x = 0;
    const random = () => (x++ % 4) / 4; // 0, 0.25, 0.5, 0.75
    for (let i = 0; i < 8; i++) shadowRetrieval({ ...(deps as object), trace: { set() {}, span: () => Object.assign(() => {}, { traceparent: '', set() {} }) } } as never, {}, { chunks: [] }, random);
    expect(calls).toHaveLength(2);
  });
});
