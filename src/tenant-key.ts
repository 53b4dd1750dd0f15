import { sha256Hex } from './util/sha256';

/**
 * Tenant API keys, as `npm run tenant-key -- <tenant-id>` makes them: `sk-gw-<tenant>-<32 hex>`
 * (128 random bits; the tenant id only helps people tell keys apart). The config holds only the
 * key's SHA-256 — the same hash the auth stage compares (`src/pipeline/auth.ts`).
 */

/** Tenant ids a key can carry: they must survive an `Authorization: Bearer` header unquoted. */
export const KEY_TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const TENANT_KEY = /^sk-gw-([A-Za-z0-9][A-Za-z0-9._-]{0,63})-([0-9a-f]{32})$/;

/** The key for `tenantId` from 16 random bytes (the caller's CSPRNG). */
export function formatTenantKey(tenantId: string, random: Uint8Array): string {
  if (!KEY_TENANT_ID.test(tenantId)) {
    throw new Error(`tenant id "${tenantId}": use 1–64 of A–Z a–z 0–9 . _ - (starting with a letter or digit)`);
  }
  if (random.length !== 16) throw new Error(`need 16 random bytes, got ${random.length}`);
  let hex = '';
  for (const b of random) hex += b.toString(16).padStart(2, '0');
  return `sk-gw-${tenantId}-${hex}`;
}

/** The tenant entry to paste into the config's `tenants[]` (limits and models to add by hand). */
export async function tenantEntry(tenantId: string, key: string): Promise<{ id: string; apiKeyHashes: string[] }> {
  return { id: tenantId, apiKeyHashes: [await sha256Hex(key)] };
}
