// The semantic cache's labelled sets (issue #15): the sim's embeddings + the guards + the
// tenant's default threshold, decided exactly as SemanticCache decides a candidate. Every
// near-miss must miss; the paraphrase hit rate is printed and held above a floor.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cosine, simEmbedding } from '../../sim/embed.ts';
import { configSchema } from '../../src/config.ts';
import { guardSemanticHit, normalizePrompt } from '../../src/cache/semantic/guards.ts';
import type { SemanticMeta } from '../../src/cache/semantic/port.ts';

interface Pair {
  a: string;
  b: string;
  kind?: string;
  tenantB?: string;
}

const load = (name: string): Pair[] => JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8')).pairs;
const paraphrases = load('./paraphrases.json');
const nearMisses = load('./near-misses.json');

/** The threshold a tenant gets when it turns the semantic cache on without setting one. */
const THRESHOLD = configSchema.parse({
  tenants: [{ id: 't', apiKeyHashes: ['0'.repeat(64)], semanticCache: { enabled: true, embeddingModel: 'emb' } }],
  models: [{ id: 'emb', kind: 'embedding', inputPer1M: 0.02, endpoints: [{ id: 'e', baseUrl: 'http://sim.test/v1' }] }],
}).tenants[0]!.semanticCache!.threshold;

/** The hit rate the paraphrase set must keep (measured: 82 of 102 at the default threshold). */
const PARAPHRASE_FLOOR = 0.75;

const meta = (tenant: string, text: string): SemanticMeta => ({
  key: `gw:c:${tenant}:x`, tenant, model: 'sim-small', embeddingModel: 'sim-embed', promptId: '', promptVersion: '',
  retrieval: 'r', context: 'c', text: normalizePrompt(text),
});

/** `b` asked after `a` was stored: a hit? (as SemanticCache.lookup decides it, minus the I/O). */
function decide(p: Pair) {
  const similarity = cosine(simEmbedding(normalizePrompt(p.a)), simEmbedding(normalizePrompt(p.b)));
  const verdict = guardSemanticHit(meta(p.tenantB ?? 'acme', p.b), meta('acme', p.a));
  return { similarity, hit: similarity >= THRESHOLD && verdict.ok, guard: verdict.ok ? undefined : verdict.reason };
}

describe('semantic cache, labelled sets', () => {
  it('has at least 100 pairs of each, every near-miss kind represented', () => {
    expect(paraphrases.length).toBeGreaterThanOrEqual(100);
    expect(nearMisses.length).toBeGreaterThanOrEqual(100);
    const kinds = new Set(nearMisses.map((p) => p.kind));
    expect([...kinds].sort()).toEqual(['entity', 'negation', 'number', 'tenant']);
    expect(THRESHOLD).toBe(0.92);
  });

  it('gives no false semantic hit on any near-miss', () => {
    const falseHits = nearMisses.filter((p) => decide(p).hit);
    const byKind: Record<string, { pairs: number; stoppedByGuard: number }> = {};
    for (const p of nearMisses) {
      const k = (byKind[p.kind!] ??= { pairs: 0, stoppedByGuard: 0 });
      k.pairs++;
      const d = decide(p);
      if (d.similarity >= THRESHOLD && d.guard) k.stoppedByGuard++;
    }
    console.log(`semantic near-misses: ${falseHits.length} false hits of ${nearMisses.length}; ${JSON.stringify(byKind)}`);
    expect(falseHits).toEqual([]);
  });

  it('stops the text near-misses with the guards alone, as if the embedding could not tell them apart', () => {
    // A real embedding model puts "Python 3.11" and "Python 3.12" at ~0.98: the guards must not
    // lean on the sim's bag of words. Two pass the text guards and are stopped by similarity only:
    // a negation said with a verb ("stop sharing") and lowercase keywords ("const" / "var").
    const text = nearMisses.filter((p) => p.kind !== 'tenant');
    const passed = text.filter((p) => guardSemanticHit(meta('acme', p.b), meta('acme', p.a)).ok);
    console.log(`semantic guards alone: ${text.length - passed.length}/${text.length} text near-misses stopped`);
    expect(passed.map((p) => p.b)).toEqual(['How do I stop sharing a document with someone?', 'What is the difference between let and var?']);
  });

  it(`hits at least ${PARAPHRASE_FLOOR * 100}% of the paraphrases`, () => {
    const hits = paraphrases.filter((p) => decide(p).hit).length;
    const rate = hits / paraphrases.length;
    console.log(`semantic paraphrase hit rate: ${hits}/${paraphrases.length} = ${(rate * 100).toFixed(1)}% at threshold ${THRESHOLD}`);
    expect(rate).toBeGreaterThanOrEqual(PARAPHRASE_FLOOR);
  });

  it('embeds deterministically, as unit vectors, with unrelated texts far apart', () => {
    const v = simEmbedding('How do I reset my password?');
    expect(v).toEqual(simEmbedding('How do I reset my password?'));
    expect(Math.hypot(...v)).toBeCloseTo(1, 10);
    expect(cosine(v, simEmbedding('How do I merge two dictionaries in Python?'))).toBeLessThan(0.3);
  });
});
