// Training for the learned router (issue #13): logistic regression with L2, full-batch Adam, no
// randomness anywhere (no shuffling, zero initial weights, folds by a hash of the item id), so the
// same set gives the same weights byte for byte. Hyperparameters and the decision threshold are
// chosen by cross-validation on the training split alone; the held-out split is never seen here.
import { DENSE_FEATURES, denseFeatures, hashedBuckets, logistic, score, type RouterWeights } from '../src/routing/learned';
import { foldOf, type Example } from './router-data';

export const BUCKETS = 4096;
export const SCALE = 1000;
export const FOLDS = 5;
/** The most hard requests cross-validation may send small, as a share of the hard ones. */
export const MAX_HARD_SENT_SMALL = 0.05;
export const GRID = {
  l2: [1e-1, 3e-2, 1e-2, 3e-3, 1e-3],
  hardWeight: [1, 1.5, 2, 3],
} as const;
const ITERATIONS = 600;
const LEARNING_RATE = 0.05;

export interface Hyper {
  l2: number;
  hardWeight: number;
}

export interface Vectorized {
  example: Example;
  dense: number[];
  buckets: number[];
  y: 0 | 1;
}

export const vectorize = (examples: readonly Example[], largePromptTokens: number): Vectorized[] =>
  examples.map((example) => ({
    example,
    dense: denseFeatures(example.features, largePromptTokens),
    buckets: hashedBuckets(example.features.instruction, BUCKETS),
    y: example.y,
  }));

/** Fits the model on `data`; dense features standardised with `data`'s own mean and spread. */
export function fit(data: readonly Vectorized[], h: Hyper): RouterWeights {
  const d = DENSE_FEATURES.length;
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (const v of data) for (let i = 0; i < d; i++) mean[i]! += v.dense[i]! / data.length;
  for (const v of data) for (let i = 0; i < d; i++) std[i]! += (v.dense[i]! - mean[i]!) ** 2 / data.length;
  for (let i = 0; i < d; i++) std[i] = Math.sqrt(std[i]!) || 1;
  const x = data.map((v) => v.dense.map((val, i) => (val - mean[i]!) / std[i]!));
  const weightOf = (v: Vectorized) => (v.y ? h.hardWeight : 1);
  const total = data.reduce((a, v) => a + weightOf(v), 0);

  // Parameters: [dense…, hashed…, bias]; Adam state alongside.
  const n = d + BUCKETS + 1;
  const w = new Float64Array(n);
  const m = new Float64Array(n);
  const s = new Float64Array(n);
  const g = new Float64Array(n);
  for (let t = 1; t <= ITERATIONS; t++) {
    g.fill(0);
    data.forEach((v, k) => {
      let z = w[n - 1]!;
      for (let i = 0; i < d; i++) z += w[i]! * x[k]![i]!;
      for (const b of v.buckets) z += w[d + b]!;
      const err = (weightOf(v) * (logistic(z) - v.y)) / total;
      for (let i = 0; i < d; i++) g[i]! += err * x[k]![i]!;
      for (const b of v.buckets) g[d + b]! += err;
      g[n - 1]! += err;
    });
    for (let i = 0; i < n - 1; i++) g[i]! += h.l2 * w[i]!;
    for (let i = 0; i < n; i++) {
      m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
      s[i] = 0.999 * s[i]! + 0.001 * g[i]! * g[i]!;
      const mh = m[i]! / (1 - 0.9 ** t);
      const sh = s[i]! / (1 - 0.999 ** t);
      w[i] = w[i]! - (LEARNING_RATE * mh) / (Math.sqrt(sh) + 1e-8);
    }
  }
  const r6 = (v: number) => Math.round(v * 1e6) / 1e6;
  return {
    version: 1,
    dense: [...DENSE_FEATURES],
    mean: mean.map(r6),
    std: std.map(r6),
    wDense: [...w.subarray(0, d)].map(r6),
    bias: r6(w[n - 1]!),
    buckets: BUCKETS,
    scale: SCALE,
    // Rounded to 1/SCALE and stored as integers: the file stays small, the decisions do not move.
    wHashed: [...w.subarray(d, d + BUCKETS)].map((v) => Math.round(v * SCALE) || 0),
    threshold: 0.5,
    meta: {},
  };
}

export const predict = (v: Vectorized, w: RouterWeights): number => logistic(score(v.dense, v.buckets, w));

/** Out-of-fold P(large) for every training item: each fold predicted by a model fitted on the others. */
export function outOfFold(train: readonly Vectorized[], h: Hyper): number[] {
  const p = new Array<number>(train.length).fill(0);
  for (let f = 0; f < FOLDS; f++) {
    const inFold = (v: Vectorized) => foldOf(v.example.item, FOLDS) === f;
    const model = fit(train.filter((v) => !inFold(v)), h);
    train.forEach((v, i) => {
      if (inFold(v)) p[i] = predict(v, model);
    });
  }
  return p;
}

export interface ThresholdChoice {
  threshold: number;
  accuracy: number;
  hardSentSmall: number;
  /** 3 × hard sent small + small-ok sent large, as a share of the items. */
  weightedErrors: number;
  /** `constraint`: the 5% bound was met; `weighted`: it could not be met short of sending nearly everything large. */
  rule: 'constraint' | 'weighted';
}

/** A hard request sent small is a failed task (then redone on large): counted as this many wasted large calls. */
export const HARD_SENT_SMALL_COST = 3;
/** A threshold that sends this share or more large is no router (always-large costs the same). */
const NO_ROUTER_LARGE_SHARE = 0.9;

/**
 * The threshold, over 0.05…0.95: the most accurate one that sends at most 5% of the hard requests
 * small; if only thresholds sending ≥ 90% of requests large meet that, the one with the fewest
 * weighted mistakes (3 × hard sent small + small-ok sent large). Ties go to the higher threshold.
 */
export function chooseThreshold(p: readonly number[], y: readonly (0 | 1)[]): ThresholdChoice {
  const hard = y.filter((v) => v === 1).length;
  const allowed = Math.floor(MAX_HARD_SENT_SMALL * hard);
  let constrained: ThresholdChoice | undefined;
  let weighted: ThresholdChoice | undefined;
  for (let k = 5; k <= 95; k++) {
    const t = k / 100;
    let correct = 0, risk = 0, wasted = 0, large = 0;
    p.forEach((pi, i) => {
      const isLarge = pi >= t;
      if (isLarge) large++;
      if (isLarge === (y[i] === 1)) correct++;
      else if (y[i] === 1) risk++;
      else wasted++;
    });
    const accuracy = correct / p.length;
    const weightedErrors = (HARD_SENT_SMALL_COST * risk + wasted) / p.length;
    if (risk <= allowed && large < NO_ROUTER_LARGE_SHARE * p.length && (!constrained || accuracy >= constrained.accuracy)) {
      constrained = { threshold: t, accuracy, hardSentSmall: risk, weightedErrors, rule: 'constraint' };
    }
    if (!weighted || weightedErrors <= weighted.weightedErrors) weighted = { threshold: t, accuracy, hardSentSmall: risk, weightedErrors, rule: 'weighted' };
  }
  return constrained ?? weighted!;
}

export interface Trained {
  weights: RouterWeights;
  hyper: Hyper;
  cv: ThresholdChoice;
  /** Every grid point's cross-validated figures, for the report. */
  grid: Array<Hyper & ThresholdChoice>;
}

/** Grid search by cross-validation, then the final fit on the whole training split. */
export function train(data: readonly Vectorized[]): Trained {
  const y = data.map((v) => v.y);
  const grid: Trained['grid'] = [];
  for (const l2 of GRID.l2) for (const hardWeight of GRID.hardWeight) grid.push({ l2, hardWeight, ...chooseThreshold(outOfFold(data, { l2, hardWeight }), y) });
  // The constraint met beats not met (then the most accurate); else the fewest weighted mistakes.
  // Ties to the stronger regularisation, then the lighter weighting (grid order).
  const rank = (c: ThresholdChoice) => (c.rule === 'constraint' ? 10 + c.accuracy : -c.weightedErrors);
  const best = grid.reduce((a, b) => (rank(b) > rank(a) ? b : a));
  const hyper = { l2: best.l2, hardWeight: best.hardWeight };
  const weights = { ...fit(data, hyper), threshold: best.threshold };
  return { weights, hyper, cv: { threshold: best.threshold, accuracy: best.accuracy, hardSentSmall: best.hardSentSmall, weightedErrors: best.weightedErrors, rule: best.rule }, grid };
}
