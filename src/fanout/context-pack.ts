import { estimateTokens } from '../telemetry/tokens';

/**
 * Context assembly by budget, not plain top-k: retrieved chunks deduplicated (by id, then by
 * text), ordered by score, and packed into a token budget using an estimate. What did not fit is
 * counted, so the trace can say how much retrieval was cut.
 */

export interface Chunk {
  id: string;
  text: string;
  score: number;
  source?: string;
  embeddingModel?: string;
}

export interface PackedContext {
  /** The chunks that go into the prompt, best first. */
  chunks: Chunk[];
  /** Estimated tokens of the packed chunks. */
  tokens: number;
  /** Distinct chunks that did not fit the budget. */
  cut: number;
  /** Duplicates dropped (same id, or same text under another id). */
  duplicates: number;
}


export function packContext(chunks: readonly Chunk[], maxTokens: number): PackedContext {
  const byId = new Map<string, Chunk>();
  for (const c of chunks) {
    const seen = byId.get(c.id);
    if (!seen || c.score > seen.score) byId.set(c.id, c);
  }
  const texts = new Set<string>();
  const distinct: Chunk[] = [];
  for (const c of [...byId.values()].sort((a, b) => b.score - a.score)) {
    const key = c.text.trim();
    if (texts.has(key)) continue;
    texts.add(key);
    distinct.push(c);
  }
  const packed: Chunk[] = [];
  let tokens = 0;
  for (const c of distinct) {
    const cost = estimateTokens(c.text);
    // Skip a chunk too big for what is left, but keep trying smaller, lower-ranked ones.
    if (tokens + cost > maxTokens) continue;
    packed.push(c);
    tokens += cost;
  }
  return { chunks: packed, tokens, cut: distinct.length - packed.length, duplicates: chunks.length - distinct.length };
}
