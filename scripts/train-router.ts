// `npm run train:router`: trains the learned `auto` router on the training split of
// eval/router-set.json and writes src/routing/router-weights.json; prints the training,
// cross-validated and held-out figures side by side. The held-out split (30% of each category, by
// a hash of the item id) is never used to fit or tune; it is only scored at the end, with the
// weights as shipped (rounded), through the same code the worker runs.
//
//   node --import ./scripts/ts-resolve.mjs scripts/train-router.ts [--check]
//   (--check: train, compare with the shipped file, exit 1 if they differ; writes nothing)
import { readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_POLICY, decideTier } from '../src/routing/router';
import { BUCKETS, FOLDS, GRID, MAX_HARD_SENT_SMALL, train, vectorize } from './logreg';
import { examples, figures, loadPrices, loadSet, split, ROOT, type Figures } from './router-data';

const WEIGHTS_PATH = new URL('src/routing/router-weights.json', ROOT).pathname;
const check = process.argv.includes('--check');

const items = loadSet();
const prices = loadPrices();
const { train: trainSet, heldOut } = split(examples(items));
const trained = train(vectorize(trainSet, DEFAULT_POLICY.largePromptTokens));

const score = (rows: typeof trainSet, weights = trained.weights): Figures =>
  figures(rows.map((r) => ({ ...r, tier: decideTier(r.features, DEFAULT_POLICY, weights).tier })), prices);
// The figures are those of the shipped weights, so `meta` can be checked against the file later.
const trainFigures = score(trainSet);
const heldOutFigures = score(heldOut);
const weights = {
  ...trained.weights,
  meta: {
    trainedBy: 'scripts/train-router.ts',
    set: { items: items.length, train: trainSet.length, heldOut: heldOut.length, heldOutShare: 'round(30%) of each category, by FNV-1a of the item id' },
    features: { dense: trained.weights.dense.length, hashedBuckets: BUCKETS, ngrams: 'word unigrams + bigrams of the instruction (CJK by character)' },
    hyper: trained.hyper,
    cv: { folds: FOLDS, grid: GRID, maxHardSentSmall: MAX_HARD_SENT_SMALL, ...trained.cv },
    figures: { train: trainFigures, heldOut: heldOutFigures },
  },
};
const text = `${JSON.stringify(weights)}\n`;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const row = (name: string, f: Figures) =>
  `| ${name} | ${f.n} | ${pct(f.accuracy)} | ${pct(f.largeShare)} | ${f.hardSentSmall} of ${f.hard} (${pct(f.hardSentSmall / f.hard)}) | ${f.wasted} | ${pct(f.costVsLarge)} |`;
console.log(`Learned router: ${items.length} items, ${trainSet.length} train / ${heldOut.length} held out.`);
console.log(`Chosen by ${FOLDS}-fold CV on train: l2 ${trained.hyper.l2}, hard weight ${trained.hyper.hardWeight}, threshold P(large) ≥ ${trained.weights.threshold} (threshold rule: ${trained.cv.rule}; CV accuracy ${pct(trained.cv.accuracy)}, CV hard-sent-small ${trained.cv.hardSentSmall}).`);
console.log('');
console.log('| split | n | accuracy | routed large | hard sent small | small-ok sent large | cost vs always-large |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
console.log(row('train', trainFigures));
console.log(row('**held-out**', heldOutFigures));
console.log('');
console.log(`Weights: ${(text.length / 1024).toFixed(1)} KB.`);

if (check) {
  const shipped = readFileSync(WEIGHTS_PATH, 'utf8');
  if (shipped !== text) {
    console.error(`train-router: ${WEIGHTS_PATH} differs from what training produces now; run npm run train:router`);
    process.exit(1);
  }
  console.log(`${WEIGHTS_PATH.replace(ROOT.pathname, '')} matches.`);
} else {
  writeFileSync(WEIGHTS_PATH, text);
  console.log(`wrote ${WEIGHTS_PATH.replace(ROOT.pathname, '')}`);
}
