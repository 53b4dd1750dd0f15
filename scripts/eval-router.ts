// `npm run eval:router`: measures the `model: "auto"` router against the hand-labelled set in
// eval/router-set.json (built by eval/build-router-set.ts) and prints a markdown report: accuracy,
// the two kinds of mistake, accuracy per category and per deciding rule, cost per request against
// always-large / always-small (catalog prices from config/demo.json), and the time per decision.
// A report, not a gate: exits 0 whatever the numbers, 1 only if the set or the catalog cannot be loaded.
//
//   node --import ./scripts/ts-resolve.mjs scripts/eval-router.ts [--set FILE] [--reps N] [--misses]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ChatRequest } from '../src/chat-request';
import { routeFeatures } from '../src/routing/features';
import type { RouteFeatures } from '../src/routing/features';
import { DEFAULT_POLICY, decideTier } from '../src/routing/router';
import type { Tier, TierDecision } from '../src/routing/router';

interface EvalItem {
  id: string;
  category: string;
  messages: Array<{ role: string; content: unknown }>;
  max_tokens?: number;
  tools?: unknown[];
  response_format?: Record<string, unknown>;
  small_ok: boolean;
  expected_output_tokens: number;
  note?: string;
}

interface Prices {
  model: string;
  inputPer1M: number;
  outputPer1M: number;
}

const root = new URL('..', import.meta.url);
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const setPath = flag('--set') ?? new URL('eval/router-set.json', root).pathname;
const reps = Number(flag('--reps') ?? 300);
const showMisses = args.includes('--misses');

function fail(message: string): never {
  console.error(`eval-router: ${message}`);
  process.exit(1);
}

function loadSet(path: string): EvalItem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    fail(`cannot load ${path}: ${(err as Error).message}`);
  }
  const items = Array.isArray(parsed) ? parsed : (parsed as { items?: unknown }).items;
  if (!Array.isArray(items) || items.length === 0) fail(`${path}: expected a non-empty "items" array`);
  items.forEach((it: Partial<EvalItem>, i) => {
    const ok =
      typeof it?.id === 'string' &&
      typeof it.category === 'string' &&
      Array.isArray(it.messages) &&
      it.messages.length > 0 &&
      typeof it.small_ok === 'boolean' &&
      typeof it.expected_output_tokens === 'number' &&
      it.expected_output_tokens >= 0;
    if (!ok) fail(`${path}: item ${i} (${String(it?.id)}) lacks id/category/messages/small_ok/expected_output_tokens`);
  });
  return items as EvalItem[];
}

function loadPrices(): Record<Tier, Prices> {
  const path = new URL('config/demo.json', root).pathname;
  let models: Array<{ id: string; tier: string; inputPer1M: number; outputPer1M: number }>;
  try {
    models = (JSON.parse(readFileSync(path, 'utf8')) as { models: typeof models }).models;
  } catch (err) {
    fail(`cannot load the catalog ${path}: ${(err as Error).message}`);
  }
  const byTier = (tier: Tier): Prices => {
    const m = models.find((x) => x.tier === tier);
    if (!m) fail(`${path}: no model with tier "${tier}"`);
    return { model: m.id, inputPer1M: m.inputPer1M, outputPer1M: m.outputPer1M };
  };
  return { small: byTier('small'), large: byTier('large') };
}

function toRequest(it: EvalItem): ChatRequest {
  const body: Record<string, unknown> = { model: 'auto', messages: it.messages };
  if (it.max_tokens !== undefined) body.max_tokens = it.max_tokens;
  if (it.tools !== undefined) body.tools = it.tools;
  if (it.response_format !== undefined) body.response_format = it.response_format;
  return body as ChatRequest;
}

const items = loadSet(setPath);
const prices = loadPrices();

interface Row {
  item: EvalItem;
  features: RouteFeatures;
  decision: TierDecision;
  correct: boolean;
  cost: Record<Tier, number>;
}

const requests = items.map(toRequest);
const rows: Row[] = items.map((item, i) => {
  const features = routeFeatures(requests[i]!);
  const decision = decideTier(features, DEFAULT_POLICY);
  const cost = (tier: Tier): number =>
    (features.promptTokens * prices[tier].inputPer1M + item.expected_output_tokens * prices[tier].outputPer1M) / 1e6;
  return { item, features, decision, correct: (decision.tier === 'small') === item.small_ok, cost: { small: cost('small'), large: cost('large') } };
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
out.push(
  `Set: \`${setPath.replace(root.pathname, '')}\` (${groupBy((r) => r.item.category).size} categories, ${all.smallOk} labelled small-ok, ${needLarge} need large). ` +
    `Policy: \`DEFAULT_POLICY\` (largePromptTokens ${DEFAULT_POLICY.largePromptTokens}, largeConversationTurns ${DEFAULT_POLICY.largeConversationTurns}). ` +
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
    ['decided by (first matching rule)', 'tier', 'n', 'correct', 'quality risk', 'wasted'],
    ['---', '---', '---:', '---:', '---:', '---:'],
    [...groupBy((r) => r.decision.reason)]
      .sort((a, b) => b[1].length - a[1].length)
      .map(([reason, rs]) => {
        const t = tally(rs);
        return [`\`${reason}\``, rs[0]!.decision.tier, String(t.n), pct(t.correct, t.n), String(t.risk), String(t.waste)];
      }),
  ),
);
out.push('');
out.push(
  `Router time per decision (\`routeFeatures\` + \`decideTier\`): mean ${meanUs.toFixed(2)} µs over ${n} items × ${reps} repetitions ` +
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
