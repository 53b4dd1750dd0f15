import type { Context } from 'hono';
import { statsObject } from '../stats/client';
import type { ShipOptions } from '../stats/shipper';
import type { RequestRecord } from '../stats/tasks';
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
  return c.get('state').stats.record(t, shipOptions(c, log), requestRecord(c, t));
}

/** Ships this isolate's pending figures now (feedback does, so the request it names has arrived). */
export function shipNow(c: Context<AppEnv>): Promise<void> {
  return c.get('state').stats.flush(shipOptions(c, (line) => console.log(line)));
}

function shipOptions(c: Context<AppEnv>, log: (line: string) => void): ShipOptions {
  const loaded = loadCatalog(c.env);
  const config = loaded.ok ? loaded.catalog.config : undefined;
  const state = c.get('state');
  return {
    ...(config?.stats ?? DEFAULTS),
    send: (shipment) => statsObject(c.env)!.ingest(shipment),
    // Each isolate reports its own breakers with its shipment; the latest report per endpoint wins.
    breakers: () => (config ? state.resilience.for(config).pool.states() : {}),
    log,
  };
}

/** What feedback can later name: an answered chat request's tenant, task, cost and cache entry. */
function requestRecord(c: Context<AppEnv>, t: Trace): RequestRecord | undefined {
  const { tenant, model, served_model: served, cost_usd: cost, task_id: task, variant } = t.fields;
  if (typeof tenant !== 'string' || typeof model !== 'string' || !c.req.path.startsWith('/v1/chat')) return undefined;
  return {
    id: t.requestId,
    tenant,
    task: typeof task === 'string' ? task : t.requestId,
    cost_usd: typeof cost === 'number' ? cost : 0,
    model: typeof served === 'string' ? served : model,
    at: Date.now(),
    cache_key: t.cacheKey,
    variant: typeof variant === 'string' ? variant : undefined,
  };
}
