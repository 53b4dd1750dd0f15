import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from './context';
import { loadCatalog } from './config';

/** Headers a browser client may read: the gateway's own and the standard rate-limit ones. */
const EXPOSED = [
  'x-request-id', 'traceparent', 'x-gateway-cache', 'x-gateway-model', 'x-gateway-tier', 'x-gateway-endpoint',
  'x-gateway-variant', 'x-gateway-degraded', 'x-gateway-cost-usd', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after',
  'idempotent-replayed', 'x-gateway-spend-limit-usd', 'x-gateway-spend-remaining-usd',
];

/**
 * Request headers a browser script may send: the gateway's own, and what the official SDKs send
 * from a browser — openai-node's `x-stainless-*` platform and retry headers (node_modules/openai
 * client.mjs `buildHeaders`, internal/detect-platform.mjs), its organization/project/beta headers,
 * and user-agent (some SDKs set it; browsers that allow it list it in the preflight). An explicit
 * list rather than reflecting whatever is asked: what a page may send stays reviewable.
 */
const ALLOWED = [
  'authorization', 'content-type', 'accept', 'idempotency-key', 'traceparent', 'tracestate', 'x-gateway-task-id',
  'openai-organization', 'openai-project', 'openai-beta', 'user-agent',
  'x-stainless-lang', 'x-stainless-package-version', 'x-stainless-os', 'x-stainless-arch', 'x-stainless-runtime',
  'x-stainless-runtime-version', 'x-stainless-retry-count', 'x-stainless-timeout', 'x-stainless-helper-method',
  'x-stainless-poll-helper', 'x-stainless-custom-poll-interval',
];

/**
 * CORS for browser frontends (Hono's middleware), allowed origins from `cors.allowOrigins` in the
 * config (none by default: server-side callers need no CORS). Runs before auth, so a preflight
 * is answered without a key.
 *
 * Only for requests that carry an `Origin` (every cross-origin request a browser makes) and
 * preflights: Hono's middleware sets its headers on a placeholder response before the handler
 * runs, so the handler's response is then copied, headers and all, into a new one — per request,
 * for callers that never read a CORS header. Those get only `Vary: Origin`, as before, so a
 * shared cache never hands their response to a browser.
 */
export function corsFromConfig(): MiddlewareHandler<AppEnv> {
  const browsers = browserCors();
  return async function corsForBrowsers(c, next) {
    if (c.req.header('origin') !== undefined || c.req.method === 'OPTIONS') return browsers(c, next);
    await next();
    c.res.headers.append('vary', 'Origin');
  };
}

function browserCors(): MiddlewareHandler<AppEnv> {
  return cors({
    origin: (origin, c) => {
      const loaded = loadCatalog(c.env);
      if (!loaded.ok) return null;
      const allowed = loaded.catalog.config.cors.allowOrigins;
      if (allowed.includes('*')) return '*';
      return allowed.includes(origin) ? origin : null;
    },
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ALLOWED,
    exposeHeaders: EXPOSED,
    maxAge: 600,
  });
}
