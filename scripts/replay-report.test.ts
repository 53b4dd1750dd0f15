import { describe, expect, it } from 'vitest';
import { compare, renderComparison, renderReport, summarize, type ReplayRecord } from './replay-report.ts';
import { loadSet, requestOf } from './replay-set.ts';

const rec = (over: Partial<ReplayRecord>): ReplayRecord => ({ id: 'x', tags: ['t'], status: 200, costUsd: 0.001, refusal: false, ms: 10, stages: {}, tier: 'small', ...over });

const RECORDS: ReplayRecord[] = [
  rec({ id: 'a', tags: ['json'], contract: 'valid', stages: { provider: 40, route: 1 }, ms: 50 }),
  rec({ id: 'b', tags: ['json'], contract: 'repaired', stages: { provider: 60, route: 1 }, ms: 70 }),
  rec({ id: 'c', tags: ['json', 'tool'], contract: 'reasked', costUsd: 0.002, stages: { provider: 120 }, ms: 130, tier: 'large' }),
  rec({ id: 'd', tags: ['json'], status: 422, errorCode: 'schema_violation', contract: 'invalid', costUsd: 0.002, ms: 140 }),
  rec({ id: 'e', tags: ['injection'], refusal: true, ms: 20 }),
  rec({ id: 'f', tags: ['bad'], status: 400, errorCode: 'model_not_found', costUsd: 0, ms: 5, tier: undefined }),
];

describe('summarize', () => {
  const s = summarize(RECORDS);
  it('rates as /admin/stats defines them: parse errors = first answer off the schema, over the checked requests', () => {
    expect(s.contracts).toEqual({ checked: 4, parse_error_rate: 0.75, repair_rate: 0.25, reask_rate: 0.25, invalid_rate: 0.25 });
    expect(s.error_rate).toBeCloseTo(2 / 6, 4);
    expect(s.errors).toEqual({ schema_violation: 1, model_not_found: 1 });
    expect(s.refusal_rate).toBe(0.25); // 1 of the 4 answered
    expect(s.routed_large_share).toBe(0.2); // 1 of the 5 routed
  });

  it('cost total and per request (errors included), quantiles per stage, figures per tag', () => {
    expect(s.cost.total_usd).toBeCloseTo(0.007, 10);
    expect(s.cost.per_request_usd).toBeCloseTo(0.007 / 6, 8);
    expect(s.stages.provider).toEqual({ count: 3, p50: 60, p95: 120 });
    expect(s.stages.route!.count).toBe(2);
    expect(s.latency_ms).toEqual({ count: 6, p50: 50, p95: 140 });
    expect(s.by_tag.json).toEqual({ n: 4, errors: 1, parse_errors: 3, refusals: 0, large: 1, cost_usd: 0.006 });
    expect(renderReport(s, '# h')).toContain('| 6 | 4 | 33.3% | 75.0% | 25.0% | 25.0% | 25.0% | 25.0% | 20.0% |');
  });

  it('empty inputs give zeros, not NaN', () => {
    const e = summarize([]);
    expect(e.latency_ms).toEqual({ count: 0, p50: 0, p95: 0 });
    expect(e.contracts.parse_error_rate).toBe(0);
    expect(JSON.stringify(e)).not.toContain('null');
  });
});

describe('compare against a baseline', () => {
  const base = summarize(RECORDS);
  it('no change: nothing regressed', () => {
    expect(compare(base, base).regressed).toBe(false);
  });

  it('a gated rate rising past the tolerance regresses; within it, or falling, does not', () => {
    const worse = { ...base, refusal_rate: base.refusal_rate + 0.03 };
    const r = compare(worse, base);
    expect(r.regressed).toBe(true);
    expect(r.deltas.find((d) => d.metric === 'refusal_rate')).toMatchObject({ regressed: true, gate: 'rate' });
    expect(compare({ ...base, refusal_rate: base.refusal_rate + 0.015 }, base).regressed).toBe(false);
    expect(compare({ ...base, error_rate: 0 }, base).regressed).toBe(false);
    expect(compare(worse, base, { rate: 0.05, cost: 0.1 }).regressed).toBe(false);
  });

  it('cost per request regresses past +10%; latency and routing are reported, never gated', () => {
    const cost = (x: number) => ({ ...base, cost: { ...base.cost, per_request_usd: base.cost.per_request_usd * x } });
    expect(compare(cost(1.11), base).regressed).toBe(true);
    expect(compare(cost(1.09), base).regressed).toBe(false);
    const slow = { ...base, latency_ms: { count: 6, p50: 5000, p95: 9000 }, routed_large_share: 1 };
    expect(compare(slow, base).regressed).toBe(false);
    const md = renderComparison(compare(cost(1.2), base).deltas, { rate: 0.02, cost: 0.1 }, 'b.json');
    expect(md).toContain('| cost_per_request_usd | $0.001167 | $0.001400 | 20.0% | ≤ +10% | **REGRESSED** |');
  });
});

describe('the starter set', () => {
  it('loads: at least 60 items, unique ids, every kind of mess tagged', () => {
    const items = loadSet(new URL('../eval/replay/starter.jsonl', import.meta.url).pathname);
    expect(items.length).toBeGreaterThanOrEqual(60);
    const tags = new Set(items.flatMap((i) => i.tags));
    for (const t of ['typo', 'ocr', 'pasted-log', 'multilingual', 'injection', 'long', 'empty-ish', 'json-schema', 'tool']) expect(tags).toContain(t);
    expect(requestOf(items[0]!)).toMatchObject({ model: 'auto', temperature: 0, seed: 7, stream: false, gateway: { cache: 'bypass' } });
    expect(requestOf(items[0]!)).not.toHaveProperty('tags');
  });
});
