import { assignVariant, type CanaryState, type Variant } from './assign';
import type { CanaryConfig } from './config';

export interface CanaryPick {
  canary: CanaryConfig;
  variant: Variant;
  /** `<canary id>:<variant>`: the trace field, the stats key, the `x-gateway-variant` header. */
  label: string;
}

export interface CanaryRequest {
  tenant: string;
  /** From `conversationKey`. */
  conversation: string;
  /** The catalog model the request was routed to. */
  model: string;
  /** The prompt template it would use (`id@version`), if any. */
  prompt?: string;
  /** Whether the tenant may use a model (a model canary never hands out one it may not). */
  allowed(model: string): boolean;
}

/**
 * The canary a request falls under, and its side: the first canary of the config whose `from` is
 * what the request would use — its prompt template (named, or the newest by default) or its
 * routed model. One canary per request, so its figures are that canary's alone.
 */
export function routeCanary(canaries: readonly CanaryConfig[], states: ReadonlyMap<string, CanaryState>, r: CanaryRequest): CanaryPick | undefined {
  for (const canary of canaries) {
    const matches = canary.kind === 'model' ? r.model === canary.from && r.allowed(canary.to) : r.prompt === canary.from;
    if (!matches) continue;
    const variant = assignVariant(canary, states.get(canary.id) ?? 'active', r.tenant, r.conversation);
    return { canary, variant, label: `${canary.id}:${variant}` };
  }
  return undefined;
}
