// The shipped weights are what training produces (deterministic: same set, same bytes of weights)
// and reproduce the figures the trainer printed, held-out included.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fit, vectorize } from '../../scripts/logreg';
import { examples, figures, loadPrices, loadSet, SET_PATH, split } from '../../scripts/router-data';
import { DENSE_FEATURES, fnv1a, hashedBuckets } from './learned';
import { DEFAULT_POLICY, decideTier, ROUTER_WEIGHTS } from './router';

const WEIGHTS_FILE = new URL('./router-weights.json', import.meta.url);

function set() {
  if (!existsSync(SET_PATH)) execFileSync(process.execPath, [new URL('../../eval/build-router-set.ts', import.meta.url).pathname], { stdio: 'ignore' });
  return loadSet();
}

describe('learned router weights', () => {
  it('are small and match the code’s features', () => {
    expect(readFileSync(WEIGHTS_FILE).length).toBeLessThanOrEqual(50 * 1024);
    expect(ROUTER_WEIGHTS.dense).toEqual([...DENSE_FEATURES]);
    expect(ROUTER_WEIGHTS.wHashed).toHaveLength(ROUTER_WEIGHTS.buckets);
  });

  it('hash words and bigrams once each, CJK by character', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    const b = hashedBuckets('Hello hello WORLD', 4096);
    expect(new Set(b).size).toBe(b.length);
    expect(b).toEqual(hashedBuckets('hello, hello; world', 4096));
    expect(hashedBuckets('北京', 4096).sort()).toEqual(
      [fnv1a('北') & 4095, fnv1a('京') & 4095, fnv1a('北 京') & 4095].filter((v, i, a) => a.indexOf(v) === i).sort(),
    );
  });

  it('are reproduced by training on the train split with the chosen hyperparameters, and reproduce the printed figures', () => {
    const { train, heldOut } = split(examples(set()));
    const meta = ROUTER_WEIGHTS.meta as { hyper: { l2: number; hardWeight: number }; figures: Record<string, unknown> };
    const refit = fit(vectorize(train, DEFAULT_POLICY.largePromptTokens), meta.hyper);
    expect(refit.wHashed).toEqual(ROUTER_WEIGHTS.wHashed);
    expect(refit.wDense).toEqual(ROUTER_WEIGHTS.wDense);
    expect(refit.bias).toBe(ROUTER_WEIGHTS.bias);
    const prices = loadPrices();
    const score = (rows: typeof train) => figures(rows.map((r) => ({ ...r, tier: decideTier(r.features, DEFAULT_POLICY).tier })), prices);
    expect(score(train)).toEqual(meta.figures.train);
    expect(score(heldOut)).toEqual(meta.figures.heldOut);
  }, 30_000);

  it('never train on a held-out item: the split is disjoint, stratified and stable', () => {
    const items = set();
    const { train, heldOut } = split(items);
    expect(train.length + heldOut.length).toBe(items.length);
    expect(heldOut.filter((h) => train.includes(h))).toEqual([]);
    for (const category of new Set(items.map((i) => i.category))) {
      const n = items.filter((i) => i.category === category).length;
      expect(heldOut.filter((i) => i.category === category)).toHaveLength(Math.round(n * 0.3));
    }
    expect(split(items).heldOut.map((i) => i.id)).toEqual(heldOut.map((i) => i.id));
  });
});
