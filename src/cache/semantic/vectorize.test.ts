import { describe, expect, it } from 'vitest';
import { nearest } from './cosine';
import type { SemanticMeta } from './port';
import { VectorizeVectorIndex } from './vectorize';
import { FakeVectorize } from './vectorize-fake';

const meta = (tenant: string, key: string): SemanticMeta => ({
  key, tenant, model: 'm', embeddingModel: 'e', promptId: '', promptVersion: '', retrieval: 'r', context: 'c', text: 't',
});
const unit = (...v: number[]) => v.map((x) => x / Math.hypot(...v));

describe('VectorizeVectorIndex over a faithful fake of the Vectorize API', () => {
  it('scopes queries to the tenant namespace and returns cosine scores with metadata', async () => {
    const fake = new FakeVectorize(3);
    const index = new VectorizeVectorIndex(fake as unknown as VectorizeIndex);
    await index.upsert('acme', [{ id: 'a1', values: unit(1, 0, 0), metadata: meta('acme', 'k1') }, { id: 'a2', values: unit(1, 1, 0), metadata: meta('acme', 'k2') }]);
    await index.upsert('globex', [{ id: 'g1', values: unit(1, 0, 0), metadata: meta('globex', 'k3') }]);
    const matches = await index.query('acme', unit(1, 0.1, 0), 5);
    expect(matches.map((m) => m.id)).toEqual(['a1', 'a2']);
    expect(matches[0]!.score).toBeCloseTo(0.995, 3);
    expect(matches[0]!.metadata).toEqual(meta('acme', 'k1'));
    expect((await index.query('initech', unit(1, 0, 0), 5))).toEqual([]);
  });

  it('keeps topK within what Vectorize allows with metadata, and an upsert replaces an id', async () => {
    const fake = new FakeVectorize(2);
    const index = new VectorizeVectorIndex(fake as unknown as VectorizeIndex);
    await index.upsert('acme', [{ id: 'x', values: unit(1, 0), metadata: meta('acme', 'old') }]);
    await index.upsert('acme', [{ id: 'x', values: unit(0, 1), metadata: meta('acme', 'new') }]);
    const [m] = await index.query('acme', unit(0, 1), 500); // clamped to 20: the fake throws above it
    expect(m).toMatchObject({ id: 'x', metadata: { key: 'new' } });
    expect(m!.score).toBeCloseTo(1, 6);
    await expect(fake.query(unit(0, 1), { topK: 21, returnMetadata: 'all' })).rejects.toThrow(/topK/);
    await expect(index.query('acme', [1, 0, 0], 1)).rejects.toThrow(/dimensions/);
  });

  it('drops matches whose metadata is not the semantic cache\'s', async () => {
    const fake = new FakeVectorize(2);
    await fake.upsert([{ id: 'foreign', values: unit(1, 0), namespace: 'acme', metadata: { note: 'not ours' } }]);
    expect(await new VectorizeVectorIndex(fake as unknown as VectorizeIndex).query('acme', unit(1, 0), 3)).toEqual([]);
  });
});

describe('nearest', () => {
  it('returns the topK by cosine, best first; vectors of another length score 0', () => {
    const entries = [{ id: 'a', values: [1, 0] }, { id: 'b', values: [0.6, 0.8] }, { id: 'c', values: [0, 1] }, { id: 'd', values: [1, 0, 0] }];
    expect(nearest(entries, [1, 0.1], 2).map((r) => r.entry.id)).toEqual(['a', 'b']);
    expect(nearest(entries, [1, 0.1], 10).at(-1)!.score).toBe(0);
  });
});
