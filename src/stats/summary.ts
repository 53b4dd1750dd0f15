import { Histogram, type HistogramData } from '../telemetry/histogram';
import type { Span, Trace } from '../telemetry/trace';

/**
 * What an isolate folds its requests into and the GATEWAY_STATS Durable Object keeps per 10 s
 * bucket: counts and log-bucketed histograms only, so summaries merge exactly — by adding — in
 * any order and any grouping (isolates × flushes × buckets × windows). Plain JSON, so it crosses
 * the RPC and a SQLite row as is. Rendering the operator's shape is `render.ts`.
 */
export interface Summary {
  requests: number;
  /** Error code → requests that ended with it (refusals, upstream failures, stream failures). */
  errors: Record<string, number>;
  /** Stage → its durations: one value per span of that name, plus `provider_ttft` and `total`. */
  stages: Record<string, HistogramData>;
  /** Request start → first token, per request that got one. */
  ttft: HistogramData;
  /** Cache status → requests: `memory`, `redis`, `kv`, `semantic` (hits), `miss`, `bypass`. */
  cache: Record<string, number>;
  /** Lane → requests refused by a rate limit (429) / shed or refused by a failing limiter (503). */
  rejected: Record<string, number>;
  shed: Record<string, number>;
  /** Degraded stage → requests that ran without it (skipped, cut, a failing cache layer). */
  degraded: Record<string, number>;
  cost: { total_usd: number; requests: number };
  /** Output-contract outcomes (`valid` | `repaired` | `reasked` | `invalid`): none recorded yet. */
  contracts: Record<string, number>;
  /** Feedback (tasks marked successful / failed and their cost): not built yet, always zero. */
  tasks: { succeeded: number; failed: number; succeeded_cost_usd: number };
  by_model: Record<string, ModelFigures>;
  by_tenant: Record<string, TenantFigures>;
  /** Canary variant (`<canary id>:control|candidate|rolled_back|promoted`) → its requests' figures. */
  variants: Record<string, VariantFigures>;
  /** `model/endpoint` → the state an isolate reported, and when: the latest report wins. */
  breakers: Record<string, { state: string; at: number }>;
  /** Shipments an isolate could not deliver (and the requests in them), reported once it could. */
  shipping: { flush_failures: number; dropped_requests: number };
  /** Tenant → its shadow-index comparisons: sums, so they merge by adding (absent in older buckets). */
  shadow?: Record<string, ShadowFigures>;
}

export interface ShadowFigures {
  samples: number;
  failed: number;
  overlap_sum: number;
  drift_sum: number;
}

/** One shadow retrieval's comparison (undefined: the shadow failed), folded in. */
export function foldShadow(s: Summary, tenant: string, r: { overlap: number; drift: number } | undefined): void {
  const x = ((s.shadow ??= {})[tenant] ??= { samples: 0, failed: 0, overlap_sum: 0, drift_sum: 0 });
  if (!r) {
    x.failed++;
    return;
  }
  x.samples++;
  x.overlap_sum += r.overlap;
  x.drift_sum += r.drift;
}

export interface ModelFigures {
  requests: number;
  errors: number;
  cost_usd: number;
  prompt_tokens: number;
  completion_tokens: number;
  ttft: HistogramData;
}

export interface TenantFigures {
  requests: number;
  errors: number;
  rejected: number;
  cost_usd: number;
  cache_hits: number;
}

/** What a canary judges one side by (`src/canary/decide.ts`). */
export interface VariantFigures {
  requests: number;
  errors: number;
  /** Answers the model refused (a `refusal`, or finish_reason `content_filter`). */
  refusals: number;
  /** Answers checked against an output contract, and those whose first answer failed its schema. */
  contracts_checked: number;
  contract_errors: number;
  cost_usd: number;
  /** The request's total duration, and its time to first token. */
  total: HistogramData;
  ttft: HistogramData;
}

const emptyVariant = (): VariantFigures => ({
  requests: 0, errors: 0, refusals: 0, contracts_checked: 0, contract_errors: 0, cost_usd: 0, total: { zero: 0, bins: {} }, ttft: { zero: 0, bins: {} },
});

export function emptySummary(): Summary {
  return {
    requests: 0,
    errors: {},
    stages: {},
    ttft: { zero: 0, bins: {} },
    cache: {},
    rejected: {},
    shed: {},
    degraded: {},
    cost: { total_usd: 0, requests: 0 },
    contracts: {},
    tasks: { succeeded: 0, failed: 0, succeeded_cost_usd: 0 },
    by_model: {},
    by_tenant: {},
    variants: {},
    breakers: {},
    shipping: { flush_failures: 0, dropped_requests: 0 },
  };
}

/** What folding reads of a trace. */
export type FoldedTrace = Pick<Trace, 'fields' | 'status' | 'errorCode' | 'usage' | 'duration'> & {
  /** Only what stats read of a span: its name and times. */
  spans: ReadonlyArray<Pick<Span, 'name' | 'start' | 'end'>>;
};

const REJECTED = new Set(['rate_limit_exceeded']);
const SHED = new Set(['batch_shed', 'rate_limiter_unavailable']);

/** Adds one finished request to `s` (mutates it). */
export function foldTrace(s: Summary, t: FoldedTrace): Summary {
  const f = t.fields;
  s.requests++;
  const code = t.errorCode;
  if (code) add(s.errors, code);
  const lane = str(f.lane);
  if (code && lane && REJECTED.has(code)) add(s.rejected, lane);
  if (code && lane && SHED.has(code)) add(s.shed, lane);

  const observe = (name: string, ms: number) => void new Histogram((s.stages[name] ??= { zero: 0, bins: {} })).add(ms);
  let attemptStart: number | undefined;
  for (const span of t.spans) {
    if (span.name === 'upstream_headers') attemptStart = span.start;
    if (span.end !== undefined) observe(stageName(span.name), span.end - span.start);
  }
  const ttft = num(f.ttft_ms);
  if (ttft !== undefined) {
    new Histogram(s.ttft).add(ttft);
    // The provider's share: the answering attempt's start (its last one) to the first token.
    if (attemptStart !== undefined && ttft >= attemptStart) observe('provider_ttft', ttft - attemptStart);
  }
  observe('total', t.duration());

  const cache = str(f.cache);
  if (cache) add(s.cache, cache.startsWith('hit-') ? cache.slice(4) : cache);
  for (const stage of (str(f.degraded) ?? '').split(',')) if (stage) add(s.degraded, stageName(stage));
  for (const layer of (str(f.cache_degraded) ?? '').split(',')) if (layer) add(s.degraded, `cache:${layer}`);
  if (f.ratelimit_redis !== undefined) add(s.degraded, 'ratelimit:redis');
  if (f.idempotency_degraded) add(s.degraded, 'idempotency');

  const cost = num(f.cost_usd);
  if (cost !== undefined) {
    s.cost.total_usd += cost;
    s.cost.requests++;
  }
  const contract = str(f.contract);
  if (contract) add(s.contracts, contract);

  const model = str(f.served_model) ?? str(f.model);
  if (model) {
    const m = (s.by_model[model] ??= { requests: 0, errors: 0, cost_usd: 0, prompt_tokens: 0, completion_tokens: 0, ttft: { zero: 0, bins: {} } });
    m.requests++;
    if (code) m.errors++;
    m.cost_usd += cost ?? 0;
    m.prompt_tokens += t.usage?.prompt_tokens ?? 0;
    m.completion_tokens += t.usage?.completion_tokens ?? 0;
    if (ttft !== undefined) new Histogram(m.ttft).add(ttft);
  }
  const tenant = str(f.tenant);
  if (tenant) {
    const x = (s.by_tenant[tenant] ??= { requests: 0, errors: 0, rejected: 0, cost_usd: 0, cache_hits: 0 });
    x.requests++;
    if (code) x.errors++;
    if (code && REJECTED.has(code)) x.rejected++;
    x.cost_usd += cost ?? 0;
    if (cache?.startsWith('hit-')) x.cache_hits++;
  }
  const variant = str(f.variant);
  if (variant) {
    const v = (s.variants[variant] ??= emptyVariant());
    v.requests++;
    if (code) v.errors++;
    if (f.refusal) v.refusals++;
    if (contract) {
      v.contracts_checked++;
      if (contract !== 'valid') v.contract_errors++;
    }
    v.cost_usd += cost ?? 0;
    new Histogram(v.total).add(t.duration());
    if (ttft !== undefined) new Histogram(v.ttft).add(ttft);
  }
  return s;
}

/** Adds `b` into `a` (mutates and returns `a`). Associative and commutative, like the figures. */
export function mergeSummary(a: Summary, b: Summary): Summary {
  a.requests += b.requests;
  for (const key of ['errors', 'cache', 'rejected', 'shed', 'degraded', 'contracts'] as const) addAll(a[key], b[key]);
  for (const [tenant, x] of Object.entries(b.shadow ?? {})) {
    const into = ((a.shadow ??= {})[tenant] ??= { samples: 0, failed: 0, overlap_sum: 0, drift_sum: 0 });
    into.samples += x.samples;
    into.failed += x.failed;
    into.overlap_sum += x.overlap_sum;
    into.drift_sum += x.drift_sum;
  }
  for (const [name, h] of Object.entries(b.stages)) mergeInto(a.stages, name, h);
  new Histogram(a.ttft).merge(b.ttft);
  a.cost.total_usd += b.cost.total_usd;
  a.cost.requests += b.cost.requests;
  a.tasks.succeeded += b.tasks.succeeded;
  a.tasks.failed += b.tasks.failed;
  a.tasks.succeeded_cost_usd += b.tasks.succeeded_cost_usd;
  for (const [id, m] of Object.entries(b.by_model)) {
    const x = a.by_model[id];
    if (!x) a.by_model[id] = { ...m, ttft: Histogram.copy(m.ttft).data };
    else {
      x.requests += m.requests;
      x.errors += m.errors;
      x.cost_usd += m.cost_usd;
      x.prompt_tokens += m.prompt_tokens;
      x.completion_tokens += m.completion_tokens;
      new Histogram(x.ttft).merge(m.ttft);
    }
  }
  for (const [id, t] of Object.entries(b.by_tenant)) {
    const x = (a.by_tenant[id] ??= { requests: 0, errors: 0, rejected: 0, cost_usd: 0, cache_hits: 0 });
    for (const k of ['requests', 'errors', 'rejected', 'cost_usd', 'cache_hits'] as const) x[k] += t[k];
  }
  // Buckets stored before canaries existed have no `variants`.
  a.variants ??= {};
  for (const [id, v] of Object.entries(b.variants ?? {})) {
    const x = (a.variants[id] ??= emptyVariant());
    for (const k of ['requests', 'errors', 'refusals', 'contracts_checked', 'contract_errors', 'cost_usd'] as const) x[k] += v[k];
    new Histogram(x.total).merge(v.total);
    new Histogram(x.ttft).merge(v.ttft);
  }
  for (const [id, br] of Object.entries(b.breakers)) {
    const x = a.breakers[id];
    if (!x || br.at >= x.at) a.breakers[id] = { ...br };
  }
  a.shipping.flush_failures += b.shipping.flush_failures;
  a.shipping.dropped_requests += b.shipping.dropped_requests;
  return a;
}

/** Counts by key; own keys only, so a code named `constructor` or `__proto__` is just a count. */
const add = (m: Record<string, number>, key: string, n = 1) => {
  if (key === '__proto__') return;
  m[key] = (Object.hasOwn(m, key) ? m[key]! : 0) + n;
};
const addAll = (a: Record<string, number>, b: Record<string, number>) => {
  for (const [k, n] of Object.entries(b)) add(a, k, n);
};
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Adds `h` into `into[name]`, never aliasing `h` (a summary merged in stays untouched). */
function mergeInto(into: Record<string, HistogramData>, name: string, h: HistogramData): void {
  const x = into[name];
  if (x) new Histogram(x).merge(h);
  else into[name] = Histogram.copy(h).data;
}

/**
 * A stage's name in the figures: a tool's name comes from the request (`gateway.tools[].name`),
 * so tool stages are folded into one (`execute_tool`, `tool:<reason>`) — a client must not be able
 * to grow the summaries with names of its own.
 */
function stageName(name: string): string {
  if (name.startsWith('execute_tool ')) return 'execute_tool';
  const tool = /^tool:[^:]+:(.+)$/.exec(name);
  return tool ? `tool:${tool[1]}` : name;
}
