import { isSemanticMeta, type VectorIndex, type VectorItem, type VectorMatch } from './port';

/** What the port needs of a Vectorize binding (`[[vectorize]]` in wrangler.toml). */
export type VectorizeBinding = Pick<VectorizeIndex, 'query' | 'upsert'>;

/**
 * Vectorize's largest `topK` when metadata is returned (`returnMetadata: "all"`); more is an error.
 * https://developers.cloudflare.com/vectorize/platform/limits/
 */
export const VECTORIZE_MAX_TOPK_WITH_METADATA = 20;

/**
 * The VectorIndex port over a Cloudflare Vectorize index, for tenants with more vectors than a
 * Durable Object should scan. The index must be created with the embedding model's dimensions and
 * `--metric cosine` (its scores are then cosine similarities). A tenant is a Vectorize namespace;
 * vector ids are the cache key's hash (Vectorize ids are at most 64 bytes). Upserts become
 * visible after a few seconds (Vectorize is eventually consistent): a paraphrase sent right after
 * its original may miss.
 */
export class VectorizeVectorIndex implements VectorIndex {
  constructor(private readonly index: VectorizeBinding) {}

  async query(ns: string, vector: number[], topK: number): Promise<VectorMatch[]> {
    const { matches } = await this.index.query(vector, {
      namespace: ns,
      topK: Math.max(1, Math.min(topK, VECTORIZE_MAX_TOPK_WITH_METADATA)),
      returnMetadata: 'all',
      returnValues: false,
    });
    const out: VectorMatch[] = [];
    for (const m of matches) if (isSemanticMeta(m.metadata) && Number.isFinite(m.score)) out.push({ id: m.id, score: m.score, metadata: m.metadata });
    return out;
  }

  async upsert(ns: string, items: VectorItem[]): Promise<void> {
    await this.index.upsert(items.map((item) => ({ id: item.id, values: item.values, namespace: ns, metadata: { ...item.metadata } })));
  }
}
