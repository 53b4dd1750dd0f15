import type { Context } from 'hono';
import { configInvalid, errorBody } from '../errors';
import type { AppEnv } from '../pipeline/context';
import { loadCatalog } from '../pipeline/config';
import { resilienceFor } from '../providers/resilience-state';

/** GET /healthz: 200 when the config is valid; 500 `config_invalid` naming the bad field otherwise. */
export function health(c: Context<AppEnv>): Response {
  const loaded = loadCatalog(c.env);
  if (!loaded.ok) return c.json({ status: 'error', ...errorBody(configInvalid(loaded.error), c.var.trace.requestId) }, 500);
  const { config } = loaded.catalog;
  return c.json({
    status: 'ok',
    tenants: config.tenants.length,
    models: config.models.map((m) => m.id),
    // This isolate's view: breakers are per isolate (docs/design-notes.md).
    breakers: resilienceFor(config).pool.states(),
  });
}
