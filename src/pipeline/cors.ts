import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from './context';
import { loadCatalog } from './config';

/** Headers a browser client may read: the gateway's own and the standard rate-limit ones. */
const EXPOSED = [
  'x-request-id', 'traceparent', 'x-gateway-cache', 'x-gateway-model', 'x-gateway-tier', 'x-gateway-endpoint',
  'x-gateway-degraded', 'x-gateway-cost-usd', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after',
  'idempotent-replayed',
];

/**
 * CORS for browser frontends (Hono's middleware), allowed origins from `cors.allowOrigins` in the
 * config (none by default: server-side callers need no CORS). Runs before auth, so a preflight
 * is answered without a key.
 */
export function corsFromConfig(): MiddlewareHandler<AppEnv> {
  return cors({
    origin: (origin, c) => {
      const loaded = loadCatalog(c.env);
      if (!loaded.ok) return null;
      const allowed = loaded.catalog.config.cors.allowOrigins;
      if (allowed.includes('*')) return '*';
      return allowed.includes(origin) ? origin : null;
    },
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'traceparent'],
    exposeHeaders: EXPOSED,
    maxAge: 600,
  });
}
