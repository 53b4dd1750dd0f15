import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../telemetry/tokens';
import { packContext, type Chunk } from './context-pack';

const chunk = (id: string, score: number, words: number): Chunk => ({ id, score, text: `${id} ${'word '.repeat(words)}`.trim() });

describe('packContext', () => {
  it('orders by score and packs within the token budget, counting what was cut', () => {
    const chunks = [chunk('c', 0.5, 100), chunk('a', 0.9, 100), chunk('b', 0.7, 100)];
    const budget = estimateTokens(chunks[1]!.text) + estimateTokens(chunks[2]!.text);
    const packed = packContext(chunks, budget);
    expect(packed.chunks.map((c) => c.id)).toEqual(['a', 'b']);
    expect(packed.cut).toBe(1);
    expect(packed.tokens).toBeLessThanOrEqual(budget);
  });

  it('removes duplicates by id (keeping the best score) and by identical text', () => {
    const a = chunk('a', 0.9, 10);
    const packed = packContext([a, { ...a, score: 0.4 }, { ...a, id: 'a-copy', score: 0.8 }, chunk('b', 0.5, 10)], 10_000);
    expect(packed.chunks.map((c) => [c.id, c.score])).toEqual([['a', 0.9], ['b', 0.5]]);
    expect(packed.duplicates).toBe(2);
  });

  it('skips a chunk too large for what is left but keeps smaller lower-ranked ones', () => {
    const packed = packContext([chunk('big', 0.9, 1000), chunk('small', 0.1, 10)], 100);
    expect(packed.chunks.map((c) => c.id)).toEqual(['small']);
    expect(packed.cut).toBe(1);
  });

  it('packs nothing into a zero budget', () => {
    expect(packContext([chunk('a', 1, 5)], 0).chunks).toEqual([]);
  });
});
