import type { MiddlewareHandler } from 'hono';
import type { Catalog } from '../catalog';
import type { TenantConfig as Tenant } from '../config';
import { unauthorized } from '../errors';
import { sha256Hex } from '../util/sha256';
import type { AppEnv } from './context';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/** The token of an `Authorization: Bearer <token>` header, or undefined when there is none. */
export const bearerToken = (header: string | undefined): string | undefined => BEARER.exec(header ?? '')?.[1];

/** Accepted keys remembered per isolate and config, at most this many (then forgotten all at once). */
const MAX_REMEMBERED = 1024;
const accepted = new WeakMap<Catalog, Map<string, Tenant>>();

/**
 * Resolves `Authorization: Bearer <key>` to a tenant by the key's SHA-256. A missing or malformed
 * header is hashed too, so every refusal costs the same work and gets the same 401 — nothing tells
 * "no key" from "wrong key". Keys are never logged or persisted, only their hashes are configured;
 * a key that was accepted is remembered in the isolate's memory (for this config), so it is hashed
 * once, not on every request — the runtime's async digest is a measurable share of a request's CPU.
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async function auth(c, next) {
    const end = c.get('trace').span('auth');
    const catalog = c.get('catalog');
    const presented = bearerToken(c.req.header('authorization'));
    let known = accepted.get(catalog);
    let tenant = presented ? known?.get(presented) : undefined;
    if (!tenant) {
      const hash = await sha256Hex(presented ?? 'no key presented');
      tenant = presented ? catalog.tenantByKeyHash.get(hash) : undefined;
      if (tenant && presented) {
        if (!known || known.size >= MAX_REMEMBERED) accepted.set(catalog, (known = new Map()));
        known.set(presented, tenant);
      }
    }
    end();
    if (!tenant) throw unauthorized();
    c.set('tenant', tenant);
    c.get('trace').set('tenant', tenant.id);
    await next();
  };
}
