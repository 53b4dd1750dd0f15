import type { Context } from 'hono';
import type { AppEnv } from '../pipeline/context';
import { ALIASES, isAllowed } from '../routing/resolve-model';

/** GET /v1/models: the catalog the tenant may use, in OpenAI's list shape, with kinds, tiers and prices. */
export function listModels(c: Context<AppEnv>): Response {
  const { catalog, tenant } = c.var;
  const models = catalog.config.models
    .filter((m) => isAllowed(tenant, m.id))
    .map((m) => ({
      id: m.id,
      object: 'model',
      created: 0,
      owned_by: 'gateway',
      kind: m.kind,
      ...(m.kind === 'chat'
        ? { tier: m.tier, context_window: m.contextWindow, pricing: { input_per_1m: m.inputPer1M, output_per_1m: m.outputPer1M } }
        : { pricing: { input_per_1m: m.inputPer1M } }),
    }));
  const aliases = ALIASES.filter((a) => isAllowed(tenant, a)).map((id) => ({ id, object: 'model', created: 0, owned_by: 'gateway', alias: true }));
  return c.json({ object: 'list', data: [...models, ...aliases] });
}
