// `npm run eval:router`: measures the `model: "auto"` router against the hand-labelled set in
// eval/router-set.json (built by eval/build-router-set.ts) and prints a markdown report: accuracy,
// the learned router beside the keyword rules on the train and held-out splits, the two kinds of
// mistake, accuracy per category and per deciding rule, cost per request against
// always-large / always-small (catalog prices from config/demo.json), and the time per decision.
// A report, not a gate: exits 0 whatever the numbers, 1 only if the set or the catalog cannot be loaded.
//
//   node --import ./scripts/ts-resolve.mjs scripts/eval-router.ts [--set FILE] [--reps N] [--misses]
import { performance } from 'node:perf_hooks';
import { routeFeatures } from '../src/routing/features';
import type { RouteFeatures } from '../src/routing/features';
import { DEFAULT_POLICY, ROUTER_WEIGHTS, decideTier } from '../src/routing/router';
import type { Tier, TierDecision } from '../src/routing/router';
import { figures, loadPrices, loadSet, ROOT, SET_PATH, split, toRequest, type EvalItem, type Figures } from './router-data';

const root = ROOT;
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const setPath = flag('--set') ?? SET_PATH;
const reps = Number(flag('--reps') ?? 300);
const showMisses = args.includes('--misses');
const RULES = { ...DEFAULT_POLICY, router: 'rules' as const };

const items = loadSet(setPath);
const prices = loadPrices();

interface Row {
  item: EvalItem;
  features: RouteFeatures;
  decision: TierDecision;
  /** The keyword rules' own decision, for the side-by-side table. */
  rule: TierDecision;
  correct: boolean;
  cost: Record<Tier, number>;
}

const requests = items.map(toRequest);
const rows: Row[] = items.map((item, i) => {
  const features = routeFeatures(requests[i]!);
  const decision = decideTier(features, DEFAULT_POLICY);
  const rule = decideTier(features, RULES);
  const cost = (tier: Tier): number =>
    (features.promptTokens * prices[tier].inputPer1M + item.expected_output_tokens * prices[tier].outputPer1M) / 1e6;
  return { item, features, decision, rule, correct: (decision.tier === 'small') === item.small_ok, cost: { small: cost('small'), large: cost('large') } };
});

// --- timing: each item `reps` times after a warm-up; the mean is over items × reps.
for (let w = 0; w < 50; w++) for (const req of requests) decideTier(routeFeatures(req), DEFAULT_POLICY);
const perItemUs: number[] = [];
let sink = 0;
for (const req of requests) {
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) if (decideTier(routeFeatures(req), DEFAULT_POLICY).tier === 'large') sink++;
  perItemUs.push(((performance.now() - t0) * 1000) / reps);
}
if (sink < 0) console.log(sink);
const meanUs = perItemUs.reduce((a, b) => a + b, 0) / perItemUs.length;
const slowest = perItemUs.reduce((best, us, i) => (us > perItemUs[best]! ? i : best), 0);

// --- aggregates
interface Tally {
  n: number;
  smallOk: number;
  correct: number;
  risk: number;
  waste: number;
  large: number;
}
const tally = (rs: readonly Row[]): Tally => ({
  n: rs.length,
  smallOk: rs.filter((r) => r.item.small_ok).length,
  correct: rs.filter((r) => r.correct).length,
  risk: rs.filter((r) => r.decision.tier === 'small' && !r.item.small_ok).length,
  waste: rs.filter((r) => r.decision.tier === 'large' && r.item.small_ok).length,
  large: rs.filter((r) => r.decision.tier === 'large').length,
});
const groupBy = (key: (r: Row) => string): Map<string, Row[]> => {
  const m = new Map<string, Row[]>();
  for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
  return m;
};

const pct = (x: number, of: number): string => (of === 0 ? '–' : `${((100 * x) / of).toFixed(1)}%`);
const usd = (x: number): string => `$${x.toFixed(x < 1 ? 3 : 2)}`;
const sum = (f: (r: Row) => number): number => rows.reduce((a, r) => a + f(r), 0);
const per1k = (total: number): number => (total / rows.length) * 1000;
const table = (head: string[], align: string[], body: string[][]): string =>
  [`| ${head.join(' | ')} |`, `|${align.join('|')}|`, ...body.map((cells) => `| ${cells.join(' | ')} |`)].join('\n');

const all = tally(rows);
const n = rows.length;
const needLarge = n - all.smallOk;
const costRouted = per1k(sum((r) => r.cost[r.decision.tier]));
const costLarge = per1k(sum((r) => r.cost.large));
const costSmall = per1k(sum((r) => r.cost.small));
const costOracle = per1k(sum((r) => (r.item.small_ok ? r.cost.small : r.cost.large)));
// A router with no information that sends the same share large: the floor any rule set has to beat.
const pLarge = all.large / n;
const costCoin = pLarge * costLarge + (1 - pLarge) * costSmall;
const saving = (c: number): string => `${((100 * (costLarge - c)) / costLarge).toFixed(1)}% cheaper`;

const out: string[] = [];
out.push(`### Router evaluation: \`model: "auto"\` on ${n} labelled requests`);
out.push('');
// The learned router beside the rules, on the split it was trained on and on the held-out split.
const sides = split(rows);
const fig = (rs: readonly Row[], pick: (r: Row) => TierDecision): Figures => figures(rs.map((r) => ({ ...r, tier: pick(r).tier })), prices);
const sideRow = (name: string, side: string, f: Figures): string[] => [
  name, side, String(f.n), pct(f.accuracy * f.n, f.n), pct(f.largeShare * f.n, f.n), `${f.hardSentSmall} of ${f.hard} (${pct(f.hardSentSmall, f.hard)})`, String(f.wasted), pct(f.costVsLarge * 100, 100),
];
const meta = ROUTER_WEIGHTS.meta as { hyper?: { l2: number; hardWeight: number }; cv?: { rule?: string } };
out.push(
  `Learned router (\`src/routing/router-weights.json\`, ${(JSON.stringify(ROUTER_WEIGHTS).length / 1024).toFixed(1)} KB): logistic regression over ${ROUTER_WEIGHTS.dense.length} dense features and ` +
    `${ROUTER_WEIGHTS.buckets} hashed word uni/bi-gram buckets; threshold P(large) ≥ ${ROUTER_WEIGHTS.threshold} and l2 ${meta.hyper?.l2}, hard weight ${meta.hyper?.hardWeight} chosen by 5-fold CV on train (rule: ${meta.cv?.rule}). ` +
    `Split: ${sides.train.length} train / ${sides.heldOut.length} held out (30% of each category by a hash of the id; never trained or tuned on).`,
);
out.push('');
out.push(
  table(
    ['router', 'split', 'n', 'accuracy', 'routed large', 'hard sent small', 'small-ok sent large', 'cost vs always-large'],
    ['---', '---', '---:', '---:', '---:', '---:', '---:', '---:'],
    [
      sideRow('**learned**', 'train', fig(sides.train, (r) => r.decision)),
      sideRow('**learned**', '**held-out**', fig(sides.heldOut, (r) => r.decision)),
      sideRow('rules (before #13)', 'train', fig(sides.train, (r) => r.rule)),
      sideRow('rules (before #13)', '**held-out**', fig(sides.heldOut, (r) => r.rule)),
    ],
  ),
);
out.push('');
out.push('The tables below cover the whole set (train and held-out together) with the learned router.');
out.push('');
out.push(
  `Set: \`${setPath.replace(root.pathname, '')}\` (${groupBy((r) => r.item.category).size} categories, ${all.smallOk} labelled small-ok, ${needLarge} need large). ` +
    `Policy: \`DEFAULT_POLICY\` (router ${DEFAULT_POLICY.router}, largePromptTokens ${DEFAULT_POLICY.largePromptTokens}, largeConversationTurns ${DEFAULT_POLICY.largeConversationTurns}). ` +
    `Prices (config/demo.json, USD per 1M input/output tokens): ${prices.small.model} ${prices.small.inputPer1M}/${prices.small.outputPer1M}, ${prices.large.model} ${prices.large.inputPer1M}/${prices.large.outputPer1M}; ` +
    `input tokens = the router's own estimate (characters / 4), output tokens = each item's \`expected_output_tokens\`.`,
);
out.push('');
out.push(
  table(
    ['strategy', 'accuracy', 'sent small, needed large (quality risk)', 'sent large, small was fine (wasted cost)', 'routed large', 'cost per 1k requests', 'vs always-large'],
    ['---', '---:', '---:', '---:', '---:', '---:', '---:'],
    [
      ['**router**', pct(all.correct, n), String(all.risk), String(all.waste), pct(all.large, n), usd(costRouted), saving(costRouted)],
      ['always small', pct(all.smallOk, n), String(needLarge), '0', '0.0%', usd(costSmall), saving(costSmall)],
      ['always large', pct(needLarge, n), '0', String(all.smallOk), '100.0%', usd(costLarge), '–'],
      ['oracle (the labels)', '100.0%', '0', '0', pct(needLarge, n), usd(costOracle), saving(costOracle)],
      [
        'coin flip at the router’s large share (expected)',
        pct(pLarge * needLarge + (1 - pLarge) * all.smallOk, n),
        ((1 - pLarge) * needLarge).toFixed(1),
        (pLarge * all.smallOk).toFixed(1),
        pct(all.large, n),
        usd(costCoin),
        saving(costCoin),
      ],
    ],
  ),
);
out.push('');
out.push(`Routed: ${usd(costRouted)} per 1k requests, always-large: ${usd(costLarge)} (saving ${((100 * (costLarge - costRouted)) / costLarge).toFixed(1)}%); always-small: ${usd(costSmall)}; a perfect router: ${usd(costOracle)}.`);
out.push(
  `Of the requests that need the large model, the router sends ${pct(needLarge - all.risk, needLarge)} large; of those a small model handles, it keeps ${pct(all.smallOk - all.waste, all.smallOk)} small.`,
);
out.push('');
out.push(
  table(
    ['category', 'n', 'small-ok', 'accuracy', 'quality risk', 'wasted', 'routed large'],
    ['---', '---:', '---:', '---:', '---:', '---:', '---:'],
    [...groupBy((r) => r.item.category)].map(([cat, rs]) => {
      const t = tally(rs);
      return [cat, String(t.n), String(t.smallOk), pct(t.correct, t.n), String(t.risk), String(t.waste), pct(t.large, t.n)];
    }),
  ),
);
out.push('');
out.push(
  table(
    ['reason (first matching rule agreeing with the model, else `learned`)', 'tier', 'n', 'correct', 'quality risk', 'wasted'],
    ['---', '---', '---:', '---:', '---:', '---:'],
    [...groupBy((r) => `${r.decision.reason}/${r.decision.tier}`)]
      .sort((a, b) => b[1].length - a[1].length)
      .map(([reason, rs]) => {
        const t = tally(rs);
        return [`\`${reason.split('/')[0]}\``, rs[0]!.decision.tier, String(t.n), pct(t.correct, t.n), String(t.risk), String(t.waste)];
      }),
  ),
);
out.push('');
out.push(
  `Router time per decision (\`routeFeatures\` + \`decideTier\`, learned): mean ${meanUs.toFixed(2)} µs over ${n} items × ${reps} repetitions ` +
    `(Node ${process.versions.node}); slowest item ${perItemUs[slowest]!.toFixed(2)} µs (\`${rows[slowest]!.item.id}\`, ~${rows[slowest]!.features.promptTokens} prompt tokens).`,
);

if (showMisses) {
  out.push('');
  out.push('Misrouted items:');
  out.push('');
  out.push(
    table(
      ['item', 'label', 'routed', 'rule', 'prompt tokens', 'note'],
      ['---', '---', '---', '---', '---:', '---'],
      rows
        .filter((r) => !r.correct)
        .map((r) => [`\`${r.item.id}\``, r.item.small_ok ? 'small-ok' : 'needs large', r.decision.tier, r.decision.reason, String(r.features.promptTokens), r.item.note ?? '']),
    ),
  );
}

console.log(out.join('\n'));
