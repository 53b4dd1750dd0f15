import type { Catalog } from '../catalog';
import type { ModelConfig, TenantConfig } from '../config';
import { modelNotAllowed, modelNotFound } from '../errors';

export type Tier = 'small' | 'large';

export interface ResolvedModel {
  model: ModelConfig;
  tier: Tier;
  /** Why this model: `requested`, `alias`, or `auto:<rule>`. */
  reason: string;
}

export const ALIASES = ['auto', 'small', 'large'] as const;

/**
 * Turns the request's `model` into a catalog model. Concrete ids are used as asked; `small` and
 * `large` take the tier's first model; `auto` takes the small tier for now (the cost router of
 * issue #6 replaces this rule). The tenant's `allowedModels` applies to what was asked for.
 */
export function resolveModel(catalog: Catalog, tenant: TenantConfig, requested: string): ResolvedModel {
  const isAlias = (ALIASES as readonly string[]).includes(requested);
  if (!isAlias && !catalog.modelById.has(requested)) throw modelNotFound(requested);
  if (!isAllowed(tenant, requested)) throw modelNotAllowed(requested);
  if (!isAlias) {
    const model = catalog.modelById.get(requested)!;
    return { model, tier: model.tier, reason: 'requested' };
  }
  const tier: Tier = requested === 'large' ? 'large' : 'small';
  const model = catalog.modelsByTier[tier][0] ?? catalog.modelsByTier[tier === 'small' ? 'large' : 'small'][0];
  if (!model) throw modelNotFound(requested);
  return { model, tier: model.tier, reason: requested === 'auto' ? 'auto:default-small' : 'alias' };
}

export function isAllowed(tenant: TenantConfig, modelOrAlias: string): boolean {
  return tenant.allowedModels.includes('*') || tenant.allowedModels.includes(modelOrAlias);
}
