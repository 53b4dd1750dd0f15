// Percentiles over raw samples (nearest-rank on the sorted samples; no histogram bucketing).

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    min: sorted[0] ?? NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    mean: sorted.length ? sum / sorted.length : NaN,
  };
}

/** The gateway's own per-request log lines: total duration and each stage, as the worker measured them. */
export function stageSummary(records: Array<Record<string, unknown>>): Record<string, Summary> {
  const values: Record<string, number[]> = { duration_ms: [] };
  for (const r of records) {
    if (typeof r.duration_ms === 'number') values.duration_ms!.push(r.duration_ms);
    for (const [stage, v] of Object.entries((r.stages ?? {}) as Record<string, unknown>)) {
      if (typeof v === 'number') (values[stage] ??= []).push(v);
    }
  }
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v.length).map(([k, v]) => [k, summarize(v)]));
}
