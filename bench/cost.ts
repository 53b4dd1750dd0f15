// `npm run bench:cost`: what a successful task costs, naive against the gateway, on a replayed
// workload of the kind real traffic has — repeated intents (Zipf), short and long prompts, a
// share of hard ones — against the simulated provider, whose small model fails a documented share
// of hard prompts (sim/text.ts SMALL_FAILS_HARD_SHARE), so routing has a real price.
//
//   npm run bench:cost   (≈1 min; settings: BENCH_COST_* below)
//
// The intents are the 235 labelled requests of eval/router-set.json (a request "needs large" is
// hard: it carries `metadata: {difficulty: "hard"}`, which only the sim reads). BENCH_COST_REQUESTS
// (600) draws, Zipf s = BENCH_COST_ZIPF_S (1.1), seed BENCH_COST_SEED (7), concurrency
// BENCH_COST_CONCURRENCY (4), temperature 0; each request is a task, judged successful when the
// answer is not the small model's failure. Runs, on fresh isolates, the same sequence:
//   naive   — always the large model, no cache (`model: "sim-large"`, `gateway.cache: "bypass"`);
//   gateway — `model: "auto"` (the router) and the cache.
// Cost = the sum of `x-gateway-cost-usd` (cache hits cost 0); upstream calls = the sim's count.
// Prints a markdown table, writes docs/bench-cost.svg and bench/results/cost-<timestamp>.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { FAILED_ANSWER_MARK } from '../sim/text.ts';
import { TENANT_KEY, TEST_BINDINGS, testConfig } from '../test/harness/config.ts';
import { startGateway } from '../test/harness/gateway.ts';
import { ROOT } from '../test/harness/paths.ts';
import { zipfSequence } from './cache.ts';
import { costChart } from './cost-chart.ts';
import { spawnSim } from './sim.ts';
import { percentile } from './stats.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SETTINGS = {
  requests: env('BENCH_COST_REQUESTS', 600),
  s: env('BENCH_COST_ZIPF_S', 1.1),
  seed: env('BENCH_COST_SEED', 7),
  concurrency: env('BENCH_COST_CONCURRENCY', 4),
};
/** The goal (issue #12): cost per successful task ≤ 40% of naive, at ≤ 1 point more failed tasks. */
const GOAL = { costRatio: 0.4, failurePoints: 1 };

interface Item {
  id: string;
  category: string;
  messages: Array<{ role: string; content: string }>;
  small_ok: boolean;
}
interface Reply {
  status: number;
  costUsd: number;
  ok: boolean;
  ms: number;
  cache: string;
  model: string;
}

export interface CostRun {
  name: 'naive' | 'gateway' | 'gateway, learned router';
  requests: number;
  failedTasks: number;
  failureRate: number;
  totalUsd: number;
  perRequestUsd: number;
  perSuccessfulTaskUsd: number;
  upstreamCalls: number;
  p50: number;
  p95: number;
  routedLarge: number;
  cacheHits: number;
}

const items = (JSON.parse(readFileSync(`${ROOT}/eval/router-set.json`, 'utf8')) as { items: Item[] }).items;
const sequence = zipfSequence(SETTINGS.requests, items.length, SETTINGS.s, SETTINGS.seed);
const log = (s: string) => process.stderr.write(`${s}\n`);

async function ask(url: string, item: Item, mode: CostRun['name']): Promise<Reply> {
  const body = JSON.stringify({
    model: mode === 'naive' ? 'sim-large' : 'auto',
    messages: item.messages,
    temperature: 0,
    metadata: { difficulty: item.small_ok ? 'easy' : 'hard' },
    ...(mode === 'naive' ? { gateway: { cache: 'bypass' } } : {}),
  });
  const started = performance.now();
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TENANT_KEY}`, 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const json = (await res.json()) as { choices?: Array<{ message?: { content?: string } }> };
  const ms = performance.now() - started;
  const content = json.choices?.[0]?.message?.content ?? '';
  return {
    status: res.status,
    costUsd: Number(res.headers.get('x-gateway-cost-usd') ?? 0),
    ok: res.status === 200 && !content.includes(FAILED_ANSWER_MARK),
    ms,
    cache: res.headers.get('x-gateway-cache') ?? '',
    model: res.headers.get('x-gateway-model') ?? '',
  };
}

async function run(name: CostRun['name'], url: string, sim: Awaited<ReturnType<typeof spawnSim>>): Promise<CostRun> {
  await sim.reset();
  for (const scope of ['east', 'west']) await sim.setFaults(scope, { firstTokenMs: 20, interTokenMs: 1, tokens: 60 });
  const replies: Reply[] = new Array(sequence.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: SETTINGS.concurrency }, async () => {
      while (next < sequence.length) {
        const i = next++;
        replies[i] = await ask(url, items[sequence[i]!]!, name);
      }
    }),
  );
  const failed = replies.filter((r) => !r.ok).length;
  const total = replies.reduce((s, r) => s + r.costUsd, 0);
  const ms = replies.map((r) => r.ms).sort((a, b) => a - b);
  const result: CostRun = {
    name,
    requests: replies.length,
    failedTasks: failed,
    failureRate: failed / replies.length,
    totalUsd: total,
    perRequestUsd: total / replies.length,
    // Every request's cost counts — the failed tasks' too — divided by the tasks that succeeded.
    perSuccessfulTaskUsd: total / Math.max(1, replies.length - failed),
    upstreamCalls: (await sim.providerCalls()).length,
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    routedLarge: replies.filter((r) => r.model === 'sim-large').length,
    cacheHits: replies.filter((r) => r.cache.startsWith('hit')).length,
  };
  log(`cost ${name}: ${JSON.stringify(result)}`);
  return result;
}

const usd = (x: number) => `$${x.toFixed(6)}`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

const withRouter = (config: Record<string, any>, router: 'rules' | 'learned') => ({ ...config, routing: { ...config.routing, router } });

export function costTable(naive: CostRun, gw: CostRun, learned?: CostRun): string {
  const rows = [naive, gw, ...(learned ? [learned] : [])].map(
    (r) =>
      `| ${r.name} | ${r.requests} | ${r.failedTasks} (${pct(r.failureRate)}) | ${usd(r.totalUsd)} | ${usd(r.perRequestUsd)} | **${usd(r.perSuccessfulTaskUsd)}** | ${r.upstreamCalls} | ${r.routedLarge} | ${r.cacheHits} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} |`,
  );
  const verdict = (r: CostRun) => {
    const ratio = r.perSuccessfulTaskUsd / naive.perSuccessfulTaskUsd;
    const points = (r.failureRate - naive.failureRate) * 100;
    const met = ratio <= GOAL.costRatio && points <= GOAL.failurePoints;
    return `${r.name}: cost per successful task ÷ naive = **${ratio.toFixed(3)}×** (goal ≤ ${GOAL.costRatio}×); failed tasks ${points >= 0 ? '+' : ''}${points.toFixed(1)} points (goal ≤ +${GOAL.failurePoints}). Goal **${met ? 'met' : 'not met'}**.`;
  };
  return [
    '| run | requests (= tasks) | failed tasks | total cost | per request | per successful task | upstream calls | answered by large | cache hits | p50 ms | p95 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    ...[gw, ...(learned ? [learned] : [])].map((r) => `- ${verdict(r)}`),
  ].join('\n');
}

async function main(): Promise<void> {
  const sim = await spawnSim();
  const config = testConfig({ providerUrl: sim.url });
  const gateway = await startGateway(config, TEST_BINDINGS);
  try {
    const distinct = new Set(sequence).size;
    const hard = sequence.filter((k) => !items[k]!.small_ok).length;
    log(`cost workload: ${SETTINGS.requests} requests over ${distinct} distinct intents (${hard} hard draws), concurrency ${SETTINGS.concurrency}`);
    const naive = await run('naive', gateway.url, sim);
    await gateway.setConfig(withRouter(config, 'rules'), TEST_BINDINGS); // a fresh isolate: empty memory cache
    const gw = await run('gateway', gateway.url, sim);
    await gateway.setConfig(withRouter(config, 'learned'), TEST_BINDINGS);
    const learned = await run('gateway, learned router', gateway.url, sim);
    const table = costTable(naive, gw, learned);
    const header =
      `Workload: ${SETTINGS.requests} requests drawn Zipf (s = ${SETTINGS.s}, seed ${SETTINGS.seed}) over the ${items.length} labelled intents of eval/router-set.json ` +
      `(${distinct} distinct drawn; ${hard} draws of hard intents, ${pct(hard / SETTINGS.requests)}); temperature 0, concurrency ${SETTINGS.concurrency}; ` +
      `the sim's small model fails 70% of hard prompts; prices sim-small $0.15/$0.60, sim-large $2.50/$10 per 1M tokens (in/out).`;
    console.log(`${header}\n\n${table}`);
    mkdirSync(`${ROOT}/docs`, { recursive: true });
    writeFileSync(`${ROOT}/docs/bench-cost.svg`, costChart(naive, gw, GOAL, learned));
    mkdirSync(`${ROOT}/bench/results`, { recursive: true });
    writeFileSync(`${ROOT}/bench/results/cost-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, JSON.stringify({ settings: SETTINGS, naive, gateway: gw, learned }, null, 2));
  } finally {
    await gateway.close();
    await sim.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
