import type { Budgets } from '../config';
import { postOrigin, retrieveResponse, type RetrieveResponse } from './origin';
import { runStage } from './stage';
import type { Trace } from '../telemetry/trace';

/** How the shadow index compared with the live one on one query. */
export interface ShadowResult {
  /** Share of the live top-k ids the shadow also returned (1 = the same documents). */
  overlap: number;
  /** Mean absolute difference of the scores rank by rank over the top-k (0 = the same scores). */
  drift: number;
}

/** overlap@k and score drift between a live and a shadow result (k = the live result's size). */
export function compareRetrievals(live: RetrieveResponse['chunks'], shadow: RetrieveResponse['chunks']): ShadowResult {
  const k = live.length;
  if (k === 0) return { overlap: shadow.length === 0 ? 1 : 0, drift: 0 };
  const shadowIds = new Set(shadow.map((c) => c.id));
  const overlap = live.filter((c) => shadowIds.has(c.id)).length / k;
  let drift = 0;
  for (let i = 0; i < k; i++) drift += Math.abs(live[i]!.score - (shadow[i]?.score ?? 0));
  return { overlap, drift: drift / k };
}

export interface ShadowDeps {
  originUrl: string;
  tenantId: string;
  budgets: Budgets;
  trace: Trace;
  shadow: { indexVersion: string; sample: number; record(r: ShadowResult | undefined): void };
  /** Keeps the shadow call alive after the response (`waitUntil`). */
  background(p: Promise<unknown>): void;
}

/**
 * Sends a sampled share of retrievals to the tenant's shadow index too, after the live one has
 * answered and off the response's path: under its own deadline, never tied to the client, never
 * read by the answer — so a shadow can never change or slow a response. Its comparison goes to
 * the stats (`record`; undefined when the shadow failed).
 */
export function shadowRetrieval(d: ShadowDeps, body: Record<string, unknown>, live: RetrieveResponse, random = Math.random): void {
  if (random() >= d.shadow.sample) return;
  d.trace.set('retrieval_shadow', d.shadow.indexVersion);
  const run = async () => {
    const found = await runStage(d.trace.span('retrieval shadow'), d.budgets.retrievalMs, new AbortController().signal, (s, traceparent) =>
      postOrigin(d.originUrl, '/retrieve', { ...body, indexVersion: d.shadow.indexVersion }, retrieveResponse, s, traceparent),
    );
    d.shadow.record(found.ok ? compareRetrievals(live.chunks, found.value.chunks) : undefined);
  };
  d.background(run().catch(() => d.shadow.record(undefined)));
}
