import { canonicalJson } from '../cache/key';
import type { LayeredCache } from '../cache/layered';
import { sha256Hex } from '../util/sha256';
import type { RetrieveResponse } from './origin';

/**
 * Origin retrieval results, cached apart from answers: keyed by tenant, normalized query, filters
 * and topK, so repeated intents skip the origin even when the rest of the prompt differs. The
 * stored result carries its index version, which the answer cache keys on.
 */
export interface RetrievalCache {
  cache: LayeredCache;
  waitUntil(p: Promise<unknown>): void;
}

export const normalizeQuery = (q: string): string => q.toLowerCase().replace(/\s+/g, ' ').trim().replace(/[?!.,;:]+$/, '').trim();

export async function retrievalKey(tenantId: string, query: string, topK: number, filters: Record<string, unknown> | undefined, indexVersion?: string): Promise<string> {
  // The index version is in the key: flipping a tenant to another index never serves the old one's results.
  return `gw:r:${encodeURIComponent(tenantId)}:${await sha256Hex(canonicalJson({ q: normalizeQuery(query), topK, filters: filters ?? {}, v: indexVersion }))}`;
}

export async function cachedRetrieval(rc: RetrievalCache, key: string): Promise<{ value: RetrieveResponse; layer: string } | undefined> {
  const hit = await rc.cache.get(key);
  if (!hit) return undefined;
  rc.waitUntil(hit.backfill);
  try {
    return { value: JSON.parse(hit.value) as RetrieveResponse, layer: hit.layer };
  } catch {
    return undefined;
  }
}
