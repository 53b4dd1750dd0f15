import type { CanaryView } from '../canary/book';
import { Histogram, type HistogramData } from '../telemetry/histogram';
import type { Summary } from './summary';

/**
 * The operator's view of a merged summary: `GET /admin/stats` (design §2). Pure: the Durable
 * Object merges the window's buckets and renders them here; the route passes the result on.
 */

export interface Quantiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface StageFigures extends Quantiles {
  count: number;
  slo_ms?: number;
  breached?: boolean;
}

/** One point of the time series a dashboard charts (one per bucket, oldest first). */
export interface SeriesPoint {
  /** The bucket's start, ms since the epoch. */
  t: number;
  requests: number;
  errors: number;
  ttft_p95_ms: number | null;
  hit_rate: number | null;
  /** Layer → its share of the bucket's lookups (null without lookups). */
  hit_rate_by_layer: Record<(typeof HIT_LAYERS)[number], number | null>;
  /** Lane → requests a rate limit refused (429) in this bucket. */
  rejected: Record<string, number>;
  cost_per_request_usd: number | null;
  /** Cost of the tasks marked successful in this bucket ÷ their count (null until feedback lands). */
  cost_per_successful_task_usd: number | null;
  /** Stage → p95 ms in this bucket. */
  stages_p95_ms: Record<string, number | null>;
}

export function quantiles(h: HistogramData): Quantiles {
  const v = new Histogram(h);
  return { p50: ms(v.quantile(0.5)), p95: ms(v.quantile(0.95)), p99: ms(v.quantile(0.99)) };
}

/** The stages with their quantiles, each marked against its budget when `slo` names it. */
export function stageFigures(s: Summary, slo: Record<string, number>): Record<string, StageFigures> {
  const out: Record<string, StageFigures> = {};
  for (const name of Object.keys(s.stages).sort()) {
    const h = s.stages[name]!;
    const fig: StageFigures = { count: new Histogram(h).count, ...quantiles(h) };
    const budget = slo[name];
    if (budget !== undefined) Object.assign(fig, { slo_ms: budget, breached: fig.p95 !== null && fig.p95 > budget });
    out[name] = fig;
  }
  // A budgeted stage nobody went through yet is shown, unbreached.
  for (const [name, budget] of Object.entries(slo)) out[name] ??= { count: 0, p50: null, p95: null, p99: null, slo_ms: budget, breached: false };
  return out;
}

const HIT_LAYERS = ['memory', 'redis', 'kv', 'semantic'] as const;

function cacheFigures(c: Record<string, number>) {
  const hits = Object.fromEntries(HIT_LAYERS.map((l) => [l, c[l] ?? 0])) as Record<(typeof HIT_LAYERS)[number], number>;
  const hit = HIT_LAYERS.reduce((n, l) => n + hits[l], 0);
  // Lookups: requests that asked the cache (a bypass did not).
  const lookups = hit + (c.miss ?? 0);
  return {
    hit_rate: ratio(hit, lookups),
    by_layer: Object.fromEntries(HIT_LAYERS.map((l) => [l, ratio(hits[l], lookups)])) as Record<(typeof HIT_LAYERS)[number], number | null>,
    lookups,
    hits,
    misses: c.miss ?? 0,
    bypassed: c.bypass ?? 0,
  };
}

function contractFigures(c: Record<string, number>) {
  const checked = Object.values(c).reduce((a, b) => a + b, 0);
  return {
    checked,
    // The first answer failed its schema: whatever happened next.
    parse_error_rate: ratio(checked - (c.valid ?? 0), checked),
    repair_rate: ratio(c.repaired ?? 0, checked),
    reask_rate: ratio(c.reasked ?? 0, checked),
  };
}

export interface RenderOptions {
  window: string;
  /** The window's span, ms since the epoch. */
  from: number;
  to: number;
  slo: Record<string, number>;
  /** The window's buckets, oldest first, for the series. */
  series: Array<{ t: number; summary: Summary }>;
}

export function renderStats(s: Summary, o: RenderOptions) {
  const errors = sum(s.errors);
  return {
    window: o.window,
    from: new Date(o.from).toISOString(),
    to: new Date(o.to).toISOString(),
    requests: s.requests,
    errors: s.errors,
    error_rate: ratio(errors, s.requests),
    stages: stageFigures(s, o.slo),
    ttft_ms: quantiles(s.ttft),
    cache: cacheFigures(s.cache),
    ratelimit: { rejected: s.rejected, shed: s.shed },
    degraded: s.degraded,
    cost: {
      total_usd: usd(s.cost.total_usd),
      // Per request the gateway answered (a cache hit costs 0; a refusal is not a request answered).
      per_request_usd: s.cost.requests ? usd(s.cost.total_usd / s.cost.requests) : null,
      per_successful_task_usd: s.tasks.succeeded ? usd(s.tasks.succeeded_cost_usd / s.tasks.succeeded) : null,
      tasks_succeeded: s.tasks.succeeded,
      tasks_failed: s.tasks.failed,
    },
    contracts: contractFigures(s.contracts),
    breakers: Object.fromEntries(Object.entries(s.breakers).map(([id, b]) => [id, b.state])),
    by_model: Object.fromEntries(
      Object.entries(s.by_model).map(([id, m]) => [
        id,
        {
          requests: m.requests,
          errors: m.errors,
          error_rate: ratio(m.errors, m.requests),
          cost_usd: usd(m.cost_usd),
          tokens: { prompt: m.prompt_tokens, completion: m.completion_tokens },
          ttft_ms: quantiles(m.ttft),
        },
      ]),
    ),
    by_tenant: Object.fromEntries(
      Object.entries(s.by_tenant).map(([id, t]) => [id, { ...t, cost_usd: usd(t.cost_usd), error_rate: ratio(t.errors, t.requests), ...shadowOf(s, id) }]),
    ),
    // Filled by the stats object, which holds the canaries' states: one entry per configured canary.
    canaries: {} as Record<string, CanaryView>,
    shipping: s.shipping,
    series: o.series.map(({ t, summary: b }) => point(t, b)),
  };
}

export type StatsView = ReturnType<typeof renderStats>;

function point(t: number, b: Summary): SeriesPoint {
  const cache = cacheFigures(b.cache);
  return {
    t,
    requests: b.requests,
    errors: sum(b.errors),
    ttft_p95_ms: quantiles(b.ttft).p95,
    hit_rate: cache.hit_rate,
    hit_rate_by_layer: cache.by_layer,
    rejected: b.rejected,
    cost_per_request_usd: b.cost.requests ? usd(b.cost.total_usd / b.cost.requests) : null,
    cost_per_successful_task_usd: b.tasks.succeeded ? usd(b.tasks.succeeded_cost_usd / b.tasks.succeeded) : null,
    stages_p95_ms: Object.fromEntries(Object.entries(b.stages).map(([name, h]) => [name, quantiles(h).p95])),
  };
}

const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
const ratio = (n: number, d: number) => (d > 0 ? round(n / d, 4) : null);
/** Quantiles are good to 1 %: 0.01 ms of resolution says all there is. */
const ms = (v: number | null) => (v === null ? null : round(v, 2));
const usd = (v: number) => round(v, 8);
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** A tenant's shadow index against its live one: overlap@k and score drift, averaged over the samples. */
function shadowOf(s: Summary, tenant: string): { shadow?: { samples: number; failed: number; overlap_at_k: number | null; score_drift: number | null } } {
  const x = s.shadow?.[tenant];
  if (!x) return {};
  const mean = (sum: number) => (x.samples ? Math.round((sum / x.samples) * 1e4) / 1e4 : null);
  return { shadow: { samples: x.samples, failed: x.failed, overlap_at_k: mean(x.overlap_sum), score_drift: mean(x.drift_sum) } };
}
