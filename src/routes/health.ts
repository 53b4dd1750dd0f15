import type { Context } from 'hono';
import type { Catalog } from '../catalog';
import type { AppEnv } from '../pipeline/context';
import { loadCatalog } from '../pipeline/config';
import type { BreakerState } from '../resilience/breaker';

export type HealthStatus = 'ok' | 'degraded' | 'config_invalid';

/** What both health routes are computed from: the config, and this isolate's breakers. */
interface Health {
  status: HealthStatus;
  catalog?: Catalog;
  breakers: Record<string, BreakerState>;
  configError?: string;
}

function healthOf(c: Context<AppEnv>): Health {
  const loaded = loadCatalog(c.env);
  if (!loaded.ok) return { status: 'config_invalid', breakers: {}, configError: loaded.error };
  // This isolate's view: breakers are per isolate (docs/design-notes.md).
  const breakers = c.get('state').resilience.for(loaded.catalog.config).pool.states();
  const degraded = Object.values(breakers).some((state) => state !== 'closed');
  return { status: degraded ? 'degraded' : 'ok', catalog: loaded.catalog, breakers };
}

/** This isolate's trace export: on or off (or why not), and its counts in spans — never the target. */
function tracing(c: Context<AppEnv>): Record<string, unknown> {
  const exporter = c.get('state').traces;
  const config = exporter.configFor(c.env);
  return {
    enabled: !!config?.ok,
    ...(config && !config.ok ? { error: config.error } : {}),
    ...exporter.counts,
    buffered: exporter.buffered,
  };
}

const httpStatus = (h: Health) => (h.status === 'config_invalid' ? 500 : 200);

/**
 * GET /healthz, public: `{status}` only — `ok`, `degraded` (a breaker is not closed: some endpoint
 * is failing) or `config_invalid` (500). Which models, tenants and breakers: /admin/health.
 */
export function health(c: Context<AppEnv>): Response {
  const h = healthOf(c);
  return c.json({ status: h.status }, httpStatus(h));
}

/**
 * GET /admin/health, behind the admin token: the status with its details (the trace export's
 * counts among them), and the bad config field.
 */
export function adminHealth(c: Context<AppEnv>): Response {
  const h = healthOf(c);
  const config = h.catalog?.config;
  return c.json(
    {
      status: h.status,
      models: config?.models.map((m) => m.id) ?? [],
      tenants: config?.tenants.length ?? 0,
      breakers: h.breakers,
      tracing: tracing(c),
      ...(h.configError ? { config_error: h.configError } : {}),
    },
    httpStatus(h),
  );
}
