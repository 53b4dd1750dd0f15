import type { MiddlewareHandler } from 'hono';
import { buildCatalog, type Catalog } from '../catalog';
import { parseConfig } from '../config';
import type { Env } from '../env';
import { configInvalid } from '../errors';
import type { AppEnv } from './context';

type Loaded = { ok: true; catalog: Catalog } | { ok: false; error: string };

// Parsed once per isolate: the config text only changes with a new deployment (or version).
let memo: { text: string | undefined; loaded: Loaded } | undefined;

export function loadCatalog(env: Env): Loaded {
  if (memo && memo.text === env.GATEWAY_CONFIG) return memo.loaded;
  const parsed = parseConfig(env.GATEWAY_CONFIG, env as unknown as Record<string, unknown>);
  const loaded: Loaded = parsed.ok ? { ok: true, catalog: buildCatalog(parsed.config) } : parsed;
  memo = { text: env.GATEWAY_CONFIG, loaded };
  return loaded;
}

/** Puts the validated catalog on the context, or fails the request with `config_invalid`. */
export function requireConfig(): MiddlewareHandler<AppEnv> {
  return async function config(c, next) {
    const loaded = loadCatalog(c.env);
    if (!loaded.ok) throw configInvalid(loaded.error);
    c.set('catalog', loaded.catalog);
    await next();
  };
}
