import { nearest } from './cosine';

/**
 * An in-memory stand-in for a Vectorize index (the `VectorizeIndex` binding's `query` and
 * `upsert`), faithful to what the port relies on: a fixed dimension count, cosine scores, ids
 * unique across the index (an upsert replaces the id wherever it was), namespaces that scope a
 * query, `topK` bounds (at most 20 with metadata or values, 100 without), `returnMetadata`
 * levels, and the size limits on ids, namespaces and metadata. Unit tests only.
 */
export class FakeVectorize {
  readonly vectors = new Map<string, VectorizeVector & { values: number[] }>();
  queries = 0;

  constructor(readonly dimensions: number) {}

  async query(vector: VectorFloatArray | number[], options: VectorizeQueryOptions = {}): Promise<VectorizeMatches> {
    this.queries++;
    const values = Array.from(vector);
    if (values.length !== this.dimensions) throw new Error(`VECTOR_QUERY_ERROR: query vector has ${values.length} dimensions, the index ${this.dimensions}`);
    const topK = options.topK ?? 5;
    const heavy = options.returnValues || options.returnMetadata === 'all' || options.returnMetadata === true;
    if (topK < 1 || topK > (heavy ? 20 : 100)) throw new Error(`VECTOR_QUERY_ERROR: topK ${topK} out of range`);
    const pool = [...this.vectors.values()].filter((v) => (options.namespace === undefined ? true : v.namespace === options.namespace));
    const matches = nearest(pool, values, topK).map(({ entry, score }) => {
      const match: VectorizeMatch = { id: entry.id, score };
      if (entry.namespace !== undefined) match.namespace = entry.namespace;
      if (options.returnValues) match.values = entry.values;
      // "indexed" returns only metadata fields with a metadata index; this fake has none.
      if (options.returnMetadata === 'all' || options.returnMetadata === true) match.metadata = entry.metadata;
      else if (options.returnMetadata === 'indexed') match.metadata = {};
      return match;
    });
    return { matches, count: matches.length };
  }

  async upsert(vectors: VectorizeVector[]): Promise<VectorizeVectorMutation> {
    for (const v of vectors) {
      if (new TextEncoder().encode(v.id).length > 64) throw new Error('VECTOR_UPSERT_ERROR: id longer than 64 bytes');
      if (v.namespace !== undefined && new TextEncoder().encode(v.namespace).length > 64) throw new Error('VECTOR_UPSERT_ERROR: namespace longer than 64 bytes');
      if (v.values.length !== this.dimensions) throw new Error(`VECTOR_UPSERT_ERROR: vector has ${v.values.length} dimensions, the index ${this.dimensions}`);
      if (JSON.stringify(v.metadata ?? {}).length > 10 * 1024) throw new Error('VECTOR_UPSERT_ERROR: metadata over 10 KiB');
    }
    for (const v of vectors) this.vectors.set(v.id, { ...v, values: Array.from(v.values) });
    return { ids: vectors.map((v) => v.id), count: vectors.length };
  }
}
