import { describe, expect, it } from 'vitest';
import { ALPHA } from '../telemetry/histogram';
import type { Span } from '../telemetry/trace';
import { renderStats } from './render';
import { emptySummary, foldTrace, mergeSummary, type FoldedTrace, type Summary } from './summary';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

/** A finished request as the trace would hold it: spans in pipeline order, fields as stages set them. */
function request(r: () => number, i: number): FoldedTrace & { exact: Record<string, number> } {
  const spans: Array<Pick<Span, "name" | "start" | "end">> = [];
  let t = 0;
  const span = (name: string, ms: number) => {
    spans.push({ name, start: t, end: t + ms });
    t += ms;
  };
  span('auth', Math.round(r() * 2));
  span('validate', 0);
  span('ratelimit', Math.round(r() * 3));
  const fields: FoldedTrace['fields'] = { tenant: i % 3 ? 'acme' : 'globex', lane: i % 4 ? 'interactive' : 'batch' };
  const exact: Record<string, number> = {};
  let errorCode: string | undefined;
  if (i % 10 === 0) errorCode = 'rate_limit_exceeded';
  else {
    span('cache', Math.round(r() * 5));
    fields.model = i % 2 ? 'sim-small' : 'sim-large';
    if (i % 7 === 0) {
      fields.cache = i % 14 ? 'hit-memory' : 'hit-kv';
      fields.cost_usd = 0;
    } else {
      fields.cache = 'miss';
      span('retrieval', 20 + r() * 300);
      if (i % 5 === 0) fields.degraded = 'rerank';
      const attempt = t;
      span('upstream_headers', 50 + r() * 100);
      const first = Math.round(t + r() * 400);
      fields.ttft_ms = first;
      exact.provider_ttft = first - attempt;
      span('upstream_stream', first - t + r() * 500);
      fields.cost_usd = 0.0001 * (1 + (i % 3));
      if (i % 9 === 0) errorCode = 'upstream_timeout';
    }
  }
  for (const s of spans) exact[s.name] = s.end! - s.start;
  exact.total = t;
  return { spans, fields, status: errorCode ? 500 : 200, errorCode, usage: { prompt_tokens: 10, completion_tokens: 20 }, duration: () => t, exact };
}

const lowerQuantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

describe('summary', () => {
  const r = rng(7);
  const requests = Array.from({ length: 3000 }, (_, i) => request(r, i));

  it('merging per-isolate summaries equals one summary of every request, in any grouping', () => {
    const all = emptySummary();
    const parts = [emptySummary(), emptySummary(), emptySummary()];
    requests.forEach((q, i) => {
      foldTrace(all, q);
      foldTrace(parts[i % 3]!, q);
    });
    const roundTrip = (s: Summary) => JSON.parse(JSON.stringify(s)) as Summary;
    const a = mergeSummary(mergeSummary(emptySummary(), roundTrip(parts[2]!)), mergeSummary(roundTrip(parts[0]!), parts[1]!));
    expect(a.requests).toBe(3000);
    // Floating-point sums (cost) may differ in the last bits with the order of addition.
    const clean = (s: Summary) => JSON.parse(JSON.stringify(s, (k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v)));
    expect(clean(a)).toEqual(clean(all));
  });

  it('renders counts exactly and every stage quantile within α of the exact one', () => {
    const s = emptySummary();
    for (const q of requests) foldTrace(s, q);
    const v = renderStats(s, { window: '1m', from: 0, to: 60_000, slo: { retrieval: 250, provider_ttft: 100_000 }, series: [] });
    const refused = requests.filter((q) => q.errorCode === 'rate_limit_exceeded');
    expect(v.requests).toBe(3000);
    expect(v.errors).toEqual({ rate_limit_exceeded: refused.length, upstream_timeout: requests.filter((q) => q.errorCode === 'upstream_timeout').length });
    expect(v.ratelimit.rejected).toEqual({
      interactive: refused.filter((q) => q.fields.lane === 'interactive').length,
      batch: refused.filter((q) => q.fields.lane === 'batch').length,
    });
    const hits = requests.filter((q) => String(q.fields.cache).startsWith('hit-')).length;
    const lookups = requests.filter((q) => q.fields.cache).length;
    expect(v.cache.lookups).toBe(lookups);
    expect(v.cache.hits.memory + v.cache.hits.kv).toBe(hits);
    expect(v.cache.hit_rate).toBeCloseTo(hits / lookups, 4);
    expect(v.degraded).toEqual({ rerank: requests.filter((q) => q.fields.degraded).length });
    expect(v.by_tenant.globex!.requests).toBe(requests.filter((q) => q.fields.tenant === 'globex').length);
    expect(v.by_model['sim-small']!.requests).toBe(requests.filter((q) => q.fields.model === 'sim-small').length);
    expect(v.cost.per_successful_task_usd).toBeNull();
    expect(v.contracts).toEqual({ checked: 0, parse_error_rate: null, repair_rate: null, reask_rate: null });

    for (const stage of ['auth', 'ratelimit', 'cache', 'retrieval', 'upstream_headers', 'upstream_stream', 'provider_ttft', 'total']) {
      const xs = requests.map((q) => q.exact[stage]).filter((x): x is number => x !== undefined);
      expect(v.stages[stage]!.count, stage).toBe(xs.length);
      for (const [q, key] of [[0.5, 'p50'], [0.95, 'p95'], [0.99, 'p99']] as const) {
        const want = lowerQuantile(xs, q);
        const got = v.stages[stage]![key]!;
        // α relative, plus the 0.005 ms the rendering rounds to.
        expect(Math.abs(got - want), `${stage} ${key}`).toBeLessThanOrEqual(ALPHA * want + 0.005);
      }
    }
    expect(v.stages.retrieval).toMatchObject({ slo_ms: 250, breached: true });
    expect(v.stages.provider_ttft).toMatchObject({ slo_ms: 100_000, breached: false });
    expect(v.stages.auth).not.toHaveProperty('slo_ms');
  });

  it('a series point carries the bucket\'s figures: hit rate by layer, rejections per lane, cost per request and per successful task', () => {
    const b = emptySummary();
    for (const q of requests.slice(0, 100)) foldTrace(b, q);
    b.tasks = { succeeded: 2, failed: 1, succeeded_cost_usd: 0.0003 };
    const [p] = renderStats(b, { window: '1m', from: 0, to: 60_000, slo: {}, series: [{ t: 10_000, summary: b }, { t: 20_000, summary: emptySummary() }] }).series;
    const v = renderStats(b, { window: '1m', from: 0, to: 60_000, slo: {}, series: [] });
    expect(p).toMatchObject({ t: 10_000, requests: 100, hit_rate: v.cache.hit_rate, hit_rate_by_layer: v.cache.by_layer, rejected: v.ratelimit.rejected });
    expect(p!.cost_per_request_usd).toBe(v.cost.per_request_usd);
    expect(p!.cost_per_successful_task_usd).toBe(0.00015);
  });
});
