import type { Context } from 'hono';
import { statsObject } from '../stats/client';
import type { Trace } from '../telemetry/trace';
import type { AppEnv } from './context';
import { loadCatalog } from './config';

/** `stats` settings while the config is invalid (its defaults). */
const DEFAULTS = { flushMs: 2000, timeoutMs: 1000 };

/**
 * At a request's end, after its log line: folds an API request (`/v1/*`) into this isolate's
 * stats. Returns the shipment it scheduled, if it was the first since the last one, for the
 * request's `waitUntil`; the operator's own calls (`/admin/*`, `/healthz`) are not counted.
 */
export function recordStats(c: Context<AppEnv>, t: Trace, log: (line: string) => void): Promise<void> | undefined {
  if (!c.env.GATEWAY_STATS || !c.req.path.startsWith('/v1/') || c.req.method === 'OPTIONS') return undefined;
  const loaded = loadCatalog(c.env);
  const config = loaded.ok ? loaded.catalog.config : undefined;
  const { state } = c.var;
  return state.stats.record(t, {
    ...(config?.stats ?? DEFAULTS),
    send: (shipment) => statsObject(c.env)!.ingest(shipment),
    // Each isolate reports its own breakers with its shipment; the latest report per endpoint wins.
    breakers: () => (config ? state.resilience.for(config).pool.states() : {}),
    log,
  });
}
