import { quantiles } from '../stats/render';
import type { VariantFigures } from '../stats/summary';
import type { CanaryConfig } from './config';

/** One arm's figures, as /admin/stats shows them and the rollback judges them. Rates are null without data. */
export interface ArmFigures {
  requests: number;
  errors: number;
  error_rate: number | null;
  refusal_rate: number | null;
  /** Answers checked against an output contract whose first answer failed its schema ÷ checked. */
  parse_error_rate: number | null;
  p95_ms: number | null;
  ttft_p95_ms: number | null;
  cost_usd: number;
  tasks_succeeded: number;
  tasks_failed: number;
  cost_per_success_usd: number | null;
}

export interface ArmTasks {
  succeeded: number;
  failed: number;
  succeeded_cost_usd: number;
}

export function armFigures(v: VariantFigures | undefined, t: ArmTasks | undefined): ArmFigures {
  const requests = v?.requests ?? 0;
  const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 1e4) / 1e4 : null);
  return {
    requests,
    errors: v?.errors ?? 0,
    error_rate: ratio(v?.errors ?? 0, requests),
    refusal_rate: ratio(v?.refusals ?? 0, requests),
    parse_error_rate: ratio(v?.contract_errors ?? 0, v?.contracts_checked ?? 0),
    p95_ms: v ? quantiles(v.total).p95 : null,
    ttft_p95_ms: v ? quantiles(v.ttft).p95 : null,
    cost_usd: Math.round((v?.cost_usd ?? 0) * 1e8) / 1e8,
    tasks_succeeded: t?.succeeded ?? 0,
    tasks_failed: t?.failed ?? 0,
    cost_per_success_usd: t?.succeeded ? Math.round((t.succeeded_cost_usd / t.succeeded) * 1e10) / 1e10 : null,
  };
}

export type AlarmName = keyof CanaryConfig['alarms'];

/** The figure each alarm reads. */
const FIGURE: Record<AlarmName, keyof ArmFigures> = {
  p95Ms: 'p95_ms',
  errorRate: 'error_rate',
  refusalRate: 'refusal_rate',
  parseErrorRate: 'parse_error_rate',
  costPerSuccessUsd: 'cost_per_success_usd',
};

export interface AlarmVerdict {
  threshold: number;
  /** The candidate's figure over the canary's window (null: no data for it yet). */
  value: number | null;
  breached: boolean;
}

/**
 * Each configured alarm against the candidate's figures over the canary's window. A threshold is
 * absolute, as design §4 states it (p95 over `p95Ms`, a rate over its bound), not relative to the
 * control: a canary is judged on what it is allowed to be. Nothing breaches below `minRequests`
 * candidate requests, nor on a figure without data (cost per success before any feedback).
 */
export function judgeCanary(c: Pick<CanaryConfig, 'alarms' | 'minRequests'>, candidate: ArmFigures): Partial<Record<AlarmName, AlarmVerdict>> {
  const out: Partial<Record<AlarmName, AlarmVerdict>> = {};
  const enough = candidate.requests >= c.minRequests;
  for (const [name, threshold] of Object.entries(c.alarms) as Array<[AlarmName, number | undefined]>) {
    if (threshold === undefined) continue;
    const value = candidate[FIGURE[name]] as number | null;
    out[name] = { threshold, value, breached: enough && value !== null && value > threshold };
  }
  return out;
}

/** The alarms that breached, for the rollback's reason. */
export const breached = (verdicts: Partial<Record<AlarmName, AlarmVerdict>>): AlarmName[] =>
  (Object.entries(verdicts) as Array<[AlarmName, AlarmVerdict]>).filter(([, v]) => v.breached).map(([k]) => k);
