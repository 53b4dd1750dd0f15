import type { Usage } from './trace';

/** More tokens than any model answers in one request: a figure above it is not a count. */
const MAX_TOKENS = 100_000_000;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_TOKENS;

/**
 * A provider's `usage` object if its counts can be believed — whole numbers, not negative, not
 * absurd — else undefined (the caller then estimates and marks it). The object is kept whole
 * (details such as cached and reasoning tokens pass through to the client); `total_tokens` is
 * filled in when it is missing or not a count.
 */
export function readUsage(raw: unknown): Usage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const u = raw as Record<string, unknown>;
  if (!isCount(u.prompt_tokens) || !isCount(u.completion_tokens)) return undefined;
  if (isCount(u.total_tokens)) return u as unknown as Usage;
  return { ...u, total_tokens: u.prompt_tokens + u.completion_tokens } as Usage;
}
