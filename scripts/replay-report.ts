// The replay eval's figures (pure): per-request records → a summary → a markdown report, and the
// comparison against a baseline summary with the tolerances that gate it.
import { percentile } from '../bench/stats.ts';

export type ContractOutcome = 'valid' | 'repaired' | 'reasked' | 'invalid';

/** One replayed request, as the runner saw it. */
export interface ReplayRecord {
  id: string;
  tags: string[];
  status: number;
  /** The error body's `code` (or `http_<status>` without one). */
  errorCode?: string;
  /** x-gateway-model / x-gateway-tier (absent when the request failed before routing). */
  model?: string;
  tier?: string;
  /** x-gateway-cost-usd; 0 without it. */
  costUsd: number;
  /** The gateway's contract verdict (body, log line, or `invalid` for a 422 schema_violation); absent without a contract. */
  contract?: ContractOutcome;
  /** The answer's `message.refusal` was set. */
  refusal: boolean;
  /** Client-side latency, send → body read. */
  ms: number;
  /** The gateway's stage timings from its log line (empty against a deployed gateway). */
  stages: Record<string, number>;
}

export interface Quantiles {
  count: number;
  p50: number;
  p95: number;
}

export interface ReplaySummary {
  requests: number;
  ok: number;
  error_rate: number;
  errors: Record<string, number>;
  latency_ms: Quantiles;
  stages: Record<string, Quantiles>;
  cost: { total_usd: number; per_request_usd: number };
  /** Over the requests with a contract verdict; the rates as /admin/stats defines them. */
  contracts: { checked: number; parse_error_rate: number; repair_rate: number; reask_rate: number; invalid_rate: number };
  /** Over the answered (200) requests. */
  refusal_rate: number;
  /** Over the routed requests (those with a tier). */
  routed_large_share: number;
  by_tag: Record<string, { n: number; errors: number; parse_errors: number; refusals: number; large: number; cost_usd: number }>;
}

const ratio = (n: number, of: number) => (of ? n / of : 0);
const round = (x: number, digits = 4) => Number(x.toFixed(digits));
const quantiles = (values: number[]): Quantiles => {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return { count: 0, p50: 0, p95: 0 };
  return { count: sorted.length, p50: round(percentile(sorted, 50), 1), p95: round(percentile(sorted, 95), 1) };
};

export function summarize(records: readonly ReplayRecord[]): ReplaySummary {
  const ok = records.filter((r) => r.status === 200);
  const errors: Record<string, number> = {};
  for (const r of records) if (r.status !== 200) errors[r.errorCode ?? `http_${r.status}`] = (errors[r.errorCode ?? `http_${r.status}`] ?? 0) + 1;
  const stageNames = [...new Set(records.flatMap((r) => Object.keys(r.stages)))].sort();
  const checked = records.filter((r) => r.contract);
  const count = (o: ContractOutcome) => checked.filter((r) => r.contract === o).length;
  const routed = records.filter((r) => r.tier);
  const total = records.reduce((s, r) => s + r.costUsd, 0);
  const byTag: ReplaySummary['by_tag'] = {};
  for (const r of records) {
    for (const tag of r.tags) {
      const t = (byTag[tag] ??= { n: 0, errors: 0, parse_errors: 0, refusals: 0, large: 0, cost_usd: 0 });
      t.n++;
      if (r.status !== 200) t.errors++;
      if (r.contract && r.contract !== 'valid') t.parse_errors++;
      if (r.refusal) t.refusals++;
      if (r.tier === 'large') t.large++;
      t.cost_usd = round(t.cost_usd + r.costUsd, 8);
    }
  }
  return {
    requests: records.length,
    ok: ok.length,
    error_rate: round(ratio(records.length - ok.length, records.length)),
    errors,
    latency_ms: quantiles(records.map((r) => r.ms)),
    stages: Object.fromEntries(stageNames.map((name) => [name, quantiles(records.flatMap((r) => (name in r.stages ? [r.stages[name]!] : [])))])),
    cost: { total_usd: round(total, 8), per_request_usd: round(ratio(total, records.length), 8) },
    contracts: {
      checked: checked.length,
      // The first answer failed its schema, whatever happened next (as /admin/stats counts it).
      parse_error_rate: round(ratio(checked.length - count('valid'), checked.length)),
      repair_rate: round(ratio(count('repaired'), checked.length)),
      reask_rate: round(ratio(count('reasked'), checked.length)),
      invalid_rate: round(ratio(count('invalid'), checked.length)),
    },
    refusal_rate: round(ratio(ok.filter((r) => r.refusal).length, ok.length)),
    routed_large_share: round(ratio(routed.filter((r) => r.tier === 'large').length, routed.length)),
    by_tag: byTag,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const usd = (x: number) => `$${x.toFixed(6)}`;
const table = (head: string[], align: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

export function renderReport(s: ReplaySummary, header: string): string {
  const errors = Object.entries(s.errors).sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
  const out = [
    header,
    '',
    table(
      ['requests', 'ok', 'error rate', 'parse-error rate', 'repair rate', 're-ask rate', 'invalid rate', 'refusal rate', 'routed large', 'cost total', 'cost / request', 'p50 ms', 'p95 ms'],
      ['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:'],
      [[
        String(s.requests), String(s.ok), pct(s.error_rate), pct(s.contracts.parse_error_rate), pct(s.contracts.repair_rate), pct(s.contracts.reask_rate),
        pct(s.contracts.invalid_rate), pct(s.refusal_rate), pct(s.routed_large_share), usd(s.cost.total_usd), usd(s.cost.per_request_usd),
        s.latency_ms.p50.toFixed(1), s.latency_ms.p95.toFixed(1),
      ]],
    ),
    '',
    `Errors by code: ${errors}. Contract rates are over the ${s.contracts.checked} requests with a schema or tools; refusals over the ${s.ok} answered; routing over the requests routed.`,
  ];
  const stages = Object.entries(s.stages);
  if (stages.length) {
    out.push('', table(['stage (gateway log)', 'count', 'p50 ms', 'p95 ms'], ['---', '---:', '---:', '---:'], stages.map(([n, q]) => [n, String(q.count), q.p50.toFixed(1), q.p95.toFixed(1)])));
  }
  out.push(
    '',
    table(
      ['tag', 'n', 'errors', 'parse errors', 'refusals', 'routed large', 'cost'],
      ['---', '---:', '---:', '---:', '---:', '---:', '---:'],
      Object.entries(s.by_tag).sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0])).map(([tag, t]) => [tag, String(t.n), String(t.errors), String(t.parse_errors), String(t.refusals), String(t.large), usd(t.cost_usd)]),
    ),
  );
  return out.join('\n');
}

/** How far a figure may move against the baseline before the run fails. */
export interface Tolerances {
  /** Rates (error, parse-error, invalid, refusal): absolute rise allowed. @default 0.02 (2 points) */
  rate: number;
  /** Cost per request: relative rise allowed. @default 0.10 (10%) */
  cost: number;
}
export const DEFAULT_TOLERANCES: Tolerances = { rate: 0.02, cost: 0.1 };

export interface Delta {
  metric: string;
  baseline: number;
  current: number;
  /** How it is judged: an absolute rate rise, a relative cost rise, or reported only. */
  gate: 'rate' | 'cost' | 'none';
  regressed: boolean;
}

const METRICS: Array<{ metric: string; get: (s: ReplaySummary) => number; gate: Delta['gate'] }> = [
  { metric: 'error_rate', get: (s) => s.error_rate, gate: 'rate' },
  { metric: 'parse_error_rate', get: (s) => s.contracts.parse_error_rate, gate: 'rate' },
  { metric: 'invalid_rate', get: (s) => s.contracts.invalid_rate, gate: 'rate' },
  { metric: 'refusal_rate', get: (s) => s.refusal_rate, gate: 'rate' },
  { metric: 'cost_per_request_usd', get: (s) => s.cost.per_request_usd, gate: 'cost' },
  { metric: 'repair_rate', get: (s) => s.contracts.repair_rate, gate: 'none' },
  { metric: 'reask_rate', get: (s) => s.contracts.reask_rate, gate: 'none' },
  { metric: 'routed_large_share', get: (s) => s.routed_large_share, gate: 'none' },
  { metric: 'latency_p50_ms', get: (s) => s.latency_ms.p50, gate: 'none' },
  { metric: 'latency_p95_ms', get: (s) => s.latency_ms.p95, gate: 'none' },
];

/** Every figure against the baseline; rates and cost regress only upwards beyond their tolerance. */
export function compare(current: ReplaySummary, baseline: ReplaySummary, tol: Tolerances = DEFAULT_TOLERANCES): { deltas: Delta[]; regressed: boolean } {
  const deltas = METRICS.map(({ metric, get, gate }) => {
    const b = get(baseline);
    const c = get(current);
    // A tiny epsilon so rounding noise never fails a run.
    const regressed = gate === 'rate' ? c - b > tol.rate + 1e-9 : gate === 'cost' ? c > b * (1 + tol.cost) + 1e-12 : false;
    return { metric, baseline: b, current: c, gate, regressed };
  });
  return { deltas, regressed: deltas.some((d) => d.regressed) };
}

export function renderComparison(deltas: readonly Delta[], tol: Tolerances, baselineName: string, countNote = ''): string {
  const fmt = (metric: string, x: number) => (metric.endsWith('_usd') ? usd(x) : metric.endsWith('_ms') ? x.toFixed(1) : pct(x));
  const change = (d: Delta) => {
    if (d.metric.endsWith('_usd')) return d.baseline ? `${(((d.current - d.baseline) / d.baseline) * 100).toFixed(1)}%` : '–';
    const diff = d.current - d.baseline;
    return d.metric.endsWith('_ms') ? `${diff >= 0 ? '+' : ''}${diff.toFixed(1)} ms` : `${diff >= 0 ? '+' : ''}${(diff * 100).toFixed(1)} pts`;
  };
  const gate = (d: Delta) => (d.gate === 'rate' ? `≤ +${(tol.rate * 100).toFixed(1)} pts` : d.gate === 'cost' ? `≤ +${(tol.cost * 100).toFixed(0)}%` : 'reported');
  return [
    `Against the baseline \`${baselineName}\`${countNote}:`,
    '',
    table(
      ['figure', 'baseline', 'this run', 'change', 'gate', 'verdict'],
      ['---', '---:', '---:', '---:', '---', '---'],
      deltas.map((d) => [d.metric, fmt(d.metric, d.baseline), fmt(d.metric, d.current), change(d), gate(d), d.regressed ? '**REGRESSED**' : d.gate === 'none' ? '–' : 'ok']),
    ),
  ].join('\n');
}
