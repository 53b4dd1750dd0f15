import type { CanaryConfig } from './config';

/**
 * Who gets which side of a canary (design §4): sticky per tenant + conversation, so one
 * conversation never flips between variants while the canary runs. Pure and synchronous: a hash,
 * not SHA-256 (nothing secret rides on it; it only has to spread evenly and be the same everywhere).
 */

/** Where a canary stands: trying (`active`), or decided for everyone. */
export type CanaryState = 'active' | 'rolled_back' | 'promoted';

/**
 * What a request got: one of the two arms while the canary is active, else the decision —
 * `rolled_back` serves `from`, `promoted` serves `to`, to everyone.
 */
export type Variant = 'control' | 'candidate' | 'rolled_back' | 'promoted';

/** Whether a variant is served the canary's `to`. */
export const servesCandidate = (v: Variant): boolean => v === 'candidate' || v === 'promoted';

/** The conversation a request belongs to: the request's `user`, else `gateway.task_id`, else the request itself. */
export function conversationKey(user: unknown, taskId: unknown, requestId: string): string {
  if (typeof user === 'string' && user !== '') return `u:${user}`;
  if (typeof taskId === 'string' && taskId !== '') return `t:${taskId}`;
  return `r:${requestId}`;
}

/**
 * The conversation's bucket in [0, 100) for one canary. The canary's id salts the hash, so two
 * canaries split the same traffic independently (the same 5 % of users is not every canary's).
 */
export function bucket(canaryId: string, tenant: string, conversation: string): number {
  return (hash32(`${canaryId}\n${tenant}\n${conversation}`) / 2 ** 32) * 100;
}

export function assignVariant(canary: Pick<CanaryConfig, 'id' | 'percent'>, state: CanaryState, tenant: string, conversation: string): Variant {
  if (state === 'rolled_back' || state === 'promoted') return state;
  return bucket(canary.id, tenant, conversation) < canary.percent ? 'candidate' : 'control';
}

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser so nearby keys land far apart. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
