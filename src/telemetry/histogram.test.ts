import { describe, expect, it } from 'vitest';
import { ALPHA, Histogram } from './histogram';

/** A seeded generator, so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The exact quantile under the histogram's rank rule: the ⌊q·(n−1)⌋-th smallest value. */
const exact = (sorted: number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))]!;

const QS = [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1];

/** Latency-like data: a log-normal body around `median` ms with a heavy tail, some exact zeros. */
function latencies(n: number, seed: number, median = 120): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    if (r() < 0.05) return 0;
    const z = Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
    const v = median * Math.exp(0.8 * z) * (r() < 0.02 ? 20 : 1);
    return r() < 0.5 ? Math.round(v) : v; // workerd's clock gives whole ms; fractions too
  });
}

describe('Histogram', () => {
  it('answers every quantile within α (relative) of the exact one', () => {
    let worst = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const data = latencies(20_000, seed);
      const h = new Histogram();
      for (const v of data) h.add(v);
      const sorted = [...data].sort((a, b) => a - b);
      for (const q of QS) {
        const want = exact(sorted, q);
        const got = h.quantile(q)!;
        const err = want === 0 ? got : Math.abs(got - want) / want;
        worst = Math.max(worst, err);
        expect(err, `seed ${seed} q ${q}: ${got} vs ${want}`).toBeLessThanOrEqual(ALPHA + 1e-12);
      }
    }
    // The bound is tight-ish: the worst error seen is a sizeable share of α, not far below it.
    expect(worst).toBeGreaterThan(ALPHA / 10);
  });

  it('merging histograms gives exactly the histogram of all the values', () => {
    const a = latencies(5_000, 11, 80);
    const b = latencies(7_000, 12, 400);
    const c = latencies(300, 13, 5);
    const [ha, hb, hc, all] = [new Histogram(), new Histogram(), new Histogram(), new Histogram()];
    a.forEach((v) => (ha.add(v), all.add(v)));
    b.forEach((v) => (hb.add(v), all.add(v)));
    c.forEach((v) => (hc.add(v), all.add(v)));
    // In any order, and through the JSON form (what crosses the RPC and the SQLite row).
    const merged = Histogram.copy(JSON.parse(JSON.stringify(hc.data))).merge(ha.data).merge(hb.data);
    expect(merged.data).toEqual(all.data);
    expect(hc.count).toBe(c.length); // copy left it alone
    expect(merged.count).toBe(a.length + b.length + c.length);
    const sorted = [...a, ...b, ...c].sort((x, y) => x - y);
    for (const q of QS) {
      expect(merged.quantile(q)).toBe(all.quantile(q));
      const want = exact(sorted, q);
      if (want > 0) expect(Math.abs(merged.quantile(q)! - want) / want).toBeLessThanOrEqual(ALPHA + 1e-12);
    }
  });

  it('is exact at the extremes, empty gives null, and junk is ignored', () => {
    const h = new Histogram();
    expect(h.quantile(0.5)).toBeNull();
    for (const v of [NaN, -3, Infinity * 0]) h.add(v);
    expect(h.count).toBe(0);
    h.add(7);
    expect(h.quantile(0)).toBe(7);
    expect(h.quantile(1)).toBe(7);
    h.add(0, 3);
    expect(h.quantile(0.5)).toBe(0);
    expect(h.quantile(1)).toBe(7);
  });
});
