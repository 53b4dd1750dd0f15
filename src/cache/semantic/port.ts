/**
 * The narrow port the semantic cache stores its vectors behind. Two implementations: the
 * GATEWAY_VECTORS Durable Object (SQLite, one instance per tenant, the default) and a Cloudflare
 * Vectorize index (large tenants). `ns` is the tenant: no query ever sees another namespace.
 */
export interface VectorIndex {
  /** The `topK` vectors of `ns` most similar to `vector` (cosine, highest first), with their metadata. */
  query(ns: string, vector: number[], topK: number): Promise<VectorMatch[]>;
  /** Adds or replaces vectors of `ns` by id. */
  upsert(ns: string, items: VectorItem[]): Promise<void>;
}

export interface VectorItem {
  id: string;
  values: number[];
  metadata: SemanticMeta;
}

export interface VectorMatch {
  id: string;
  /** Cosine similarity, -1..1. */
  score: number;
  metadata: SemanticMeta;
}

/**
 * What is kept with each vector: the exact cache key its answer is stored under, and everything a
 * hit must match (guards.ts). All strings, so Vectorize takes them as metadata unchanged. `text` is
 * the prompt's last user message (normalized): tenant-scoped storage the guards compare, never logged.
 */
export interface SemanticMeta {
  key: string;
  tenant: string;
  /** The catalog model that answered. */
  model: string;
  /** The embedding model the vector came from: vectors of two models are never compared. */
  embeddingModel: string;
  promptId: string;
  promptVersion: string;
  /** Fingerprint of the retrieval (chunk ids, index version, embedding model) and tool results. */
  retrieval: string;
  /** Fingerprint of everything else that changes the answer: parameters, earlier messages, the prompt's rendered text. */
  context: string;
  text: string;
}

/** A match's metadata, if it has this shape (an index's contents are checked like any input). */
export function isSemanticMeta(value: unknown): value is SemanticMeta {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return ['key', 'tenant', 'model', 'embeddingModel', 'promptId', 'promptVersion', 'retrieval', 'context', 'text'].every((k) => typeof m[k] === 'string');
}
