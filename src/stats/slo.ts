import { stageFigures } from './render';
import type { Summary } from './summary';

export interface Breach {
  stage: string;
  p95_ms: number;
  slo_ms: number;
}

/** Stages whose p95 over the summary is over budget, with at least `minRequests` observations. */
export function sloBreaches(s: Summary, budgets: Record<string, number>, minRequests: number): Breach[] {
  const out: Breach[] = [];
  for (const [stage, f] of Object.entries(stageFigures(s, budgets))) {
    if (f.breached && f.count >= minRequests) out.push({ stage, p95_ms: f.p95!, slo_ms: f.slo_ms! });
  }
  return out;
}
