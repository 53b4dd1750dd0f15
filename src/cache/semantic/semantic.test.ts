import { describe, expect, it } from 'vitest';
import { Trace } from '../../telemetry/trace';
import type { CachedAnswer } from '../answer';
import type { VectorIndex } from './port';
import { SemanticCache, type SemanticQuery } from './semantic';
import { VectorizeVectorIndex } from './vectorize';
import { FakeVectorize } from './vectorize-fake';

const answer: CachedAnswer = { v: 2, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'Use the reset link.' }, finish_reason: 'stop' }], usage: null, extra: {} };
const query = (text: string): SemanticQuery => ({ model: 'm', promptId: '', promptVersion: '', retrieval: 'r', context: 'c', text });
/** A toy embedding: which of three topics the text names. */
const embedOf = (text: string) => [/password/i.test(text) ? 1 : 0, /refund/i.test(text) ? 1 : 0, /invoice/i.test(text) ? 1 : 0.01];

function setup(opts: { embedMs?: number; index?: VectorIndex; tenant?: string } = {}) {
  const fake = new FakeVectorize(3);
  const index = opts.index ?? new VectorizeVectorIndex(fake as unknown as VectorizeIndex);
  const store = new Map<string, CachedAnswer>([['gw:c:acme:abc', answer]]);
  const trace = new Trace(null);
  const cache = new SemanticCache({
    tenantId: opts.tenant ?? 'acme',
    settings: { threshold: 0.9, deadlineMs: 50, embeddingModel: 'e' },
    index,
    trace,
    read: async (key) => store.get(key),
    embed: async (text) => {
      if (opts.embedMs) await new Promise((r) => setTimeout(r, opts.embedMs));
      return { vector: embedOf(text), costUsd: 0.000001 };
    },
  });
  return { cache, fake, trace };
}

describe('SemanticCache', () => {
  it('misses, remembers the vector under the key, then hits a paraphrase with its similarity and cost', async () => {
    const { cache, fake } = setup();
    const first = await cache.lookup(query('How do I reset my password?'), new AbortController().signal);
    expect(first).toMatchObject({ hit: false, costUsd: 0.000001 });
    if (first.hit) throw new Error('unreachable');
    await first.remember('gw:c:acme:abc');
    expect([...fake.vectors.values()][0]).toMatchObject({ id: 'abc', namespace: 'acme', metadata: { key: 'gw:c:acme:abc', text: 'How do I reset my password?' } });
    const second = await cache.lookup(query('I forgot my password'), new AbortController().signal);
    expect(second).toMatchObject({ hit: true, answer, similarity: 1, costUsd: 0.000001 });
  });

  it('misses when a guard fails, however similar', async () => {
    const { cache } = setup();
    const first = await cache.lookup(query('How do I reset my password?'), new AbortController().signal);
    if (!first.hit) await first.remember('gw:c:acme:abc');
    expect(await cache.lookup(query('How do I not reset my password?'), new AbortController().signal)).toMatchObject({ hit: false });
    expect(await cache.lookup({ ...query('How do I reset my password?'), model: 'other' }, new AbortController().signal)).toMatchObject({ hit: false });
  });

  it('never answers with an entry outside its tenant, whatever the index returns', async () => {
    const leaky: VectorIndex = {
      query: async () => [{ id: 'x', score: 1, metadata: { key: 'gw:c:globex:abc', tenant: 'acme', model: 'm', embeddingModel: 'e', promptId: '', promptVersion: '', retrieval: 'r', context: 'c', text: 'reset password' } }],
      upsert: async () => {},
    };
    const { cache } = setup({ index: leaky });
    expect(await cache.lookup(query('reset password'), new AbortController().signal)).toMatchObject({ hit: false });
  });

  it('turns a slow embedding or a failing index into a miss within the deadline, still remembering a late vector', async () => {
    const slow = setup({ embedMs: 200 });
    const started = Date.now();
    const outcome = await slow.cache.lookup(query('reset password'), new AbortController().signal);
    expect(Date.now() - started).toBeLessThan(150);
    expect(outcome.hit).toBe(false);
    expect(slow.trace.fields.semantic).toBe('timeout');
    if (!outcome.hit) await outcome.remember('gw:c:acme:late');
    expect(slow.fake.vectors.has('late')).toBe(true);

    const failing = setup({ index: { query: async () => { throw new Error('down'); }, upsert: async () => {} } });
    expect(await failing.cache.lookup(query('reset password'), new AbortController().signal)).toMatchObject({ hit: false });
    expect(failing.trace.fields.semantic).toBe('error');
  });
});
