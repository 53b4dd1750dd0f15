import type { MiddlewareHandler } from 'hono';
import { unauthorized } from '../errors';
import { sha256Hex } from '../util/sha256';
import type { AppEnv } from './context';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/** The token of an `Authorization: Bearer <token>` header, or undefined when there is none. */
export const bearerToken = (header: string | undefined): string | undefined => BEARER.exec(header ?? '')?.[1];

/**
 * Resolves `Authorization: Bearer <key>` to a tenant by the key's SHA-256. A missing or malformed
 * header is hashed too, so every refusal costs the same work and gets the same 401 — nothing tells
 * "no key" from "wrong key". Keys are never stored or logged, only their hashes are compared.
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async function auth(c, next) {
    const end = c.var.trace.span('auth');
    const presented = bearerToken(c.req.header('authorization'));
    const hash = await sha256Hex(presented ?? 'no key presented');
    const tenant = presented ? c.var.catalog.tenantByKeyHash.get(hash) : undefined;
    end();
    if (!tenant) throw unauthorized();
    c.set('tenant', tenant);
    c.var.trace.set('tenant', tenant.id);
    await next();
  };
}
