import type { PlanInput } from '../answer/plan';
import type { Env } from '../env';
import { findPrompt } from '../prompts/render';
import type { PromptTemplate } from '../prompts/templates';
import { isAllowed, type ResolvedModel } from '../routing/resolve-model';
import { statsObject } from '../stats/client';
import { withTimeout } from '../util/deadlines';
import { conversationKey, servesCandidate } from './assign';
import { promptRef } from './config';
import { routeCanary } from './route';
import type { CanaryStateRow } from './states';

/** The plan's input, and what the request was routed to and the prompt template it would use. */
export interface CanaryInput extends PlanInput {
  resolved: ResolvedModel;
  template?: PromptTemplate;
}

export interface CanaryOutcome {
  resolved: ResolvedModel;
  template?: PromptTemplate;
  /** `<canary id>:<variant>` when a canary took the request (the `x-gateway-variant` header). */
  variant?: string;
}

/** How long a refresh of the canaries' state may take (off the request's path, in its waitUntil). */
const REFRESH_TIMEOUT_MS = 2000;

/**
 * The canary step of routing: the request's conversation is assigned a side of the first canary
 * whose `from` it would use (the isolate's cached states: a decided canary serves everyone one
 * side), and the candidate side gets the canary's `to` — another model, or another version of its
 * prompt. The variant goes on the trace (`variant`: log line, stats, OTLP `gateway.variant`).
 * Stale cached states are refreshed from the stats object in the request's `waitUntil`.
 */
export function applyCanary(i: CanaryInput): CanaryOutcome {
  const { canaries, stats } = i.catalog.config;
  const { resolved, template } = i;
  if (!canaries.length) return { resolved, template };
  const { states, refresh } = i.state.canaries.read(canaries, stats.canaryRefreshMs, () => loadStates(i.env));
  if (refresh) i.waitUntil(refresh);
  const pick = routeCanary(canaries, states, {
    tenant: i.tenant.id,
    conversation: conversationKey(i.chat.user, i.trace.fields.task_id, i.trace.requestId),
    model: resolved.model.id,
    prompt: template && `${template.id}@${template.version}`,
    allowed: (model) => isAllowed(i.tenant, model),
  });
  if (!pick) return { resolved, template };
  i.trace.set('variant', pick.label);
  const out: CanaryOutcome = { resolved, template, variant: pick.label };
  if (!servesCandidate(pick.variant)) return out;
  const { canary } = pick;
  if (canary.kind === 'model') {
    const model = i.catalog.modelById.get(canary.to)!;
    out.resolved = { model, tier: model.tier, reason: `${resolved.reason};canary:${canary.id}` };
  } else {
    const ref = promptRef(canary.to)!;
    out.template = findPrompt(ref.id, ref.version);
  }
  return out;
}

function loadStates(env: Env): Promise<CanaryStateRow[]> {
  const stats = statsObject(env);
  if (!stats) return Promise.resolve([]);
  return withTimeout(stats.canaryStates() as Promise<CanaryStateRow[]>, REFRESH_TIMEOUT_MS);
}
