import type { Catalog } from '../catalog';
import type { ChatRequest } from '../chat-request';
import type { ModelConfig, TenantConfig } from '../config';
import { modelNotAllowed, modelNotFound, wrongModelKind } from '../errors';
import { routeFeatures } from './features';
import { decideTier, type Tier } from './router';

export interface ResolvedModel {
  model: ModelConfig;
  tier: Tier;
  /** Why this model: `requested`, `alias`, or `auto:<rule>` (`auto:learned` when the model overrode the rules). */
  reason: string;
  /** The learned router's P(large), when it decided. */
  pLarge?: number;
}

export const ALIASES = ['auto', 'small', 'large'] as const;

/**
 * Turns the request's `model` into a catalog model. Concrete ids are used as asked; `small` and
 * `large` take the tier's first model; `auto` asks the router (features of the request, the
 * config's thresholds, the tenant's ceiling). The tenant's `allowedModels` applies to what was
 * asked for. Only chat models answer here: an embedding model is a 400 naming `model`.
 */
export function resolveModel(catalog: Catalog, tenant: TenantConfig, requested: string, chat: ChatRequest): ResolvedModel {
  const isAlias = (ALIASES as readonly string[]).includes(requested);
  if (!isAlias && !catalog.modelById.has(requested)) throw modelNotFound(requested);
  if (!isAllowed(tenant, requested)) throw modelNotAllowed(requested);
  if (!isAlias) {
    const model = catalog.modelById.get(requested)!;
    if (model.kind !== 'chat') throw wrongModelKind(requested, 'chat');
    return { model, tier: model.tier, reason: 'requested' };
  }
  const decision =
    requested === 'auto'
      ? decideTier(routeFeatures(chat), { ...catalog.config.routing, maxTier: tenant.maxTier })
      : { tier: requested as Tier, reason: 'alias', pLarge: undefined };
  const model = catalog.modelsByTier[decision.tier][0] ?? catalog.modelsByTier[decision.tier === 'small' ? 'large' : 'small'][0];
  if (!model) throw modelNotFound(requested);
  return { model, tier: model.tier, reason: requested === 'auto' ? `auto:${decision.reason}` : 'alias', ...(decision.pLarge !== undefined ? { pLarge: decision.pLarge } : {}) };
}

export function isAllowed(tenant: TenantConfig, modelOrAlias: string): boolean {
  return tenant.allowedModels.includes('*') || tenant.allowedModels.includes(modelOrAlias);
}
