/**
 * A latency histogram whose quantiles survive merging: log-spaced buckets (the DDSketch scheme,
 * Masson et al., VLDB 2019). Bucket i holds the values in (γ^(i-1), γ^i] with γ = (1+α)/(1-α);
 * a quantile is answered with the bucket's representative 2γ^i/(γ+1), which is within a relative
 * error α of every value in the bucket. Merging two histograms adds their bucket counts, so a
 * quantile of the merge is exactly the quantile a single histogram fed every value would give —
 * unlike averaging per-isolate percentiles, which is not a percentile of anything.
 *
 * Error bound: for the rank-r quantile (r = ⌊q·(n−1)⌋, the r-th smallest value x_r, 0-based),
 * `quantile(q)` returns v with |v − x_r| ≤ α·x_r. Values under `ZERO_MS` (1 µs) are counted as 0
 * (absolute error under 1 µs). With α = 1 % a bucket spans 2 %, and 1 µs … 1 h takes ~1,100
 * buckets at most; real traffic touches a few dozen, stored sparsely.
 */

/** Relative accuracy of every quantile. @default 0.01 */
export const ALPHA = 0.01;
const GAMMA = (1 + ALPHA) / (1 - ALPHA);
const LOG_GAMMA = Math.log(GAMMA);
/** Values below this (ms) are counted in the zero bucket. */
export const ZERO_MS = 0.001;

/** The wire and storage form: plain JSON, so a summary crosses an RPC or a SQLite row as is. */
export interface HistogramData {
  /** Values counted as 0 (under ZERO_MS). */
  zero: number;
  /** Bucket index → count (sparse). */
  bins: Record<string, number>;
  /** Exact extremes: quantiles are clamped to them (which only ever reduces the error). */
  min?: number;
  max?: number;
}

/**
 * A view over a `HistogramData` that it updates in place: adding a value is O(1) and allocates
 * nothing, so a summary can hold the JSON form and be folded into on every request.
 */
export class Histogram {
  readonly data: HistogramData;

  constructor(data: HistogramData = { zero: 0, bins: {} }) {
    this.data = data;
  }

  /** A copy of `data` to add into (the argument is left alone). */
  static copy(data: HistogramData | undefined): Histogram {
    return new Histogram(data ? { ...data, bins: { ...data.bins } } : undefined);
  }

  get count(): number {
    let n = this.data.zero;
    for (const c of Object.values(this.data.bins)) n += c;
    return n;
  }

  add(value: number, count = 1): this {
    if (!(value >= 0) || value === Infinity || !(count > 0)) return this; // NaN, negatives (clock skew): not latencies
    const d = this.data;
    d.min = d.min === undefined ? value : Math.min(d.min, value);
    d.max = d.max === undefined ? value : Math.max(d.max, value);
    if (value < ZERO_MS) d.zero += count;
    else {
      const i = Math.ceil(Math.log(value) / LOG_GAMMA);
      d.bins[i] = (d.bins[i] ?? 0) + count;
    }
    return this;
  }

  /** Adds another histogram's counts: the result is the histogram of both sets of values. */
  merge(other: HistogramData): this {
    const d = this.data;
    d.zero += other.zero;
    for (const [i, c] of Object.entries(other.bins)) d.bins[i] = (d.bins[i] ?? 0) + c;
    if (other.min !== undefined) d.min = d.min === undefined ? other.min : Math.min(d.min, other.min);
    if (other.max !== undefined) d.max = d.max === undefined ? other.max : Math.max(d.max, other.max);
    return this;
  }

  /** The q-quantile (0 ≤ q ≤ 1) within α of the exact one (see above); null when empty. */
  quantile(q: number): number | null {
    const n = this.count;
    if (n === 0) return null;
    const { zero, bins, min = 0, max = 0 } = this.data;
    const rank = Math.floor(Math.min(1, Math.max(0, q)) * (n - 1));
    let seen = zero;
    if (rank < seen) return 0;
    for (const i of Object.keys(bins).map(Number).sort((a, b) => a - b)) {
      seen += bins[i]!;
      if (rank < seen) return Math.min(max, Math.max(min, (2 * GAMMA ** i) / (GAMMA + 1)));
    }
    return max; // unreachable: the counts add up to n
  }
}
