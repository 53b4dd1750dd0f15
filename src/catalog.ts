import type { Config, ModelConfig, TenantConfig } from './config';

/**
 * Lookups derived from a validated config, built once per config (not per request): tenants by
 * key hash, models by id and by tier.
 */
export interface Catalog {
  config: Config;
  tenantByKeyHash: ReadonlyMap<string, TenantConfig>;
  modelById: ReadonlyMap<string, ModelConfig>;
  /** Chat models by tier. */
  modelsByTier: Readonly<Record<'small' | 'large', readonly ModelConfig[]>>;
}

export function buildCatalog(config: Config): Catalog {
  const tenantByKeyHash = new Map<string, TenantConfig>();
  for (const t of config.tenants) for (const h of t.apiKeyHashes) tenantByKeyHash.set(h, t);
  return {
    config,
    tenantByKeyHash,
    modelById: new Map(config.models.map((m) => [m.id, m])),
    // Tiers route chat answers: embedding models are never picked by an alias or `auto`.
    modelsByTier: {
      small: config.models.filter((m) => m.kind === 'chat' && m.tier === 'small'),
      large: config.models.filter((m) => m.kind === 'chat' && m.tier === 'large'),
    },
  };
}
