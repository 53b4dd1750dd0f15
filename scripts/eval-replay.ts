// `npm run eval:replay -- <set.jsonl> [--baseline <file>] [--write-baseline <file>]
//   [--gateway <url> --key <tenant key>] [--sim-faults <json>] [--concurrency 4]
//   [--rate-tolerance 0.02] [--cost-tolerance 0.10]`
//
// Replays a messy set (eval/replay/starter.jsonl: typos, OCR-ish text, pasted logs, other
// languages, prompt injections, very long and empty-ish inputs, JSON-schema and tool requests)
// through the gateway — non-stream, temperature 0, seed 7, cache bypassed — and reports per-stage
// latency (the gateway's log lines), cost (x-gateway-cost-usd), the contract rates
// (gateway.contract: parse errors, repairs, re-asks, 422s), refusals (message.refusal), routing
// (x-gateway-tier) and errors by code, per tag too. With --baseline it prints the deltas and exits
// 1 when a gated figure regresses beyond its tolerance (scripts/replay-report.ts `compare`);
// --write-baseline stores this run's summary.
//
// By default it starts the simulated provider and the built worker itself, the sim playing a
// model with faults (REPLAY_SIM_FAULTS below): it refuses prompt injections, writes 30% of its
// JSON sloppily (fenced, camelCase keys, a trailing comma: repairable) and 10% with a wrong type
// (only a re-ask fixes it) — the same prompts every time, so the figures are reproducible.
import { readFileSync, writeFileSync } from 'node:fs';
import { openTarget, parseArgs, parseFaults, pool, type SimFaults, type Target, type TargetOptions } from './eval-target.ts';
import { loadSet, requestOf, SEED, type ReplayItem } from './replay-set.ts';
import { compare, DEFAULT_TOLERANCES, renderComparison, renderReport, summarize, type ContractOutcome, type ReplayRecord, type ReplaySummary, type Tolerances } from './replay-report.ts';

export const REPLAY_SIM_FAULTS: SimFaults = { refuseInjections: true, sloppyJsonShare: 0.3, invalidJsonShare: 0.1 };
async function replayOne(gw: Target, it: ReplayItem): Promise<ReplayRecord & { requestId?: string }> {
  const t0 = performance.now();
  let res: Response;
  let body: any;
  try {
    res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(requestOf(it)),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  } catch (err) {
    return { id: it.id, tags: it.tags, status: 0, errorCode: (err as Error).name === 'TimeoutError' ? 'client_timeout' : 'network_error', costUsd: 0, refusal: false, ms: performance.now() - t0, stages: {} };
  }
  const ms = performance.now() - t0;
  const message = body?.choices?.[0]?.message;
  const code = body?.error?.code as string | undefined;
  const contract = (body?.gateway?.contract?.outcome as ContractOutcome | undefined) ?? (code === 'schema_violation' ? 'invalid' : undefined);
  return {
    id: it.id,
    tags: it.tags,
    status: res.status,
    ...(res.status !== 200 ? { errorCode: code ?? `http_${res.status}` } : {}),
    model: res.headers.get('x-gateway-model') ?? undefined,
    tier: res.headers.get('x-gateway-tier') ?? undefined,
    costUsd: Number(res.headers.get('x-gateway-cost-usd') ?? 0) || 0,
    contract,
    refusal: typeof message?.refusal === 'string' && message.refusal.length > 0,
    ms,
    stages: {},
    requestId: res.headers.get('x-request-id') ?? undefined,
  };
}

/** Joins the gateway's log lines to the records by request id (they are written after the response: waits up to 3 s). */
async function joinLogs(gw: Target, records: Array<ReplayRecord & { requestId?: string }>): Promise<void> {
  if (!gw.requestLogs) return;
  const wanted = new Set(records.flatMap((r) => (r.requestId ? [r.requestId] : [])));
  const deadline = Date.now() + 3000;
  let logs = gw.requestLogs();
  while (logs.filter((l) => wanted.has(l.request_id as string)).length < wanted.size && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    logs = gw.requestLogs();
  }
  const byId = new Map(logs.map((l) => [l.request_id as string, l]));
  for (const r of records) {
    const log = r.requestId ? byId.get(r.requestId) : undefined;
    if (!log) continue;
    r.stages = { ...(log.stages as Record<string, number>), total: log.duration_ms as number };
    // A 422's verdict is only in the log line; so is the tier of a request that failed after routing.
    r.contract ??= log.contract as ContractOutcome | undefined;
    r.tier ??= log.tier as string | undefined;
    // An error response has no cost header, but its provider calls were paid for (a 422 after a re-ask: two).
    if (!r.costUsd && typeof log.cost_usd === 'number') r.costUsd = log.cost_usd;
  }
}

export interface ReplayOptions extends TargetOptions {
  set: string;
  baseline?: string;
  writeBaseline?: string;
  concurrency?: number;
  tolerances?: Tolerances;
  print?: (text: string) => void;
}

export async function runReplay({ set, baseline, writeBaseline, concurrency = 4, tolerances = DEFAULT_TOLERANCES, print = console.log, ...target }: ReplayOptions) {
  const items = loadSet(set);
  const base = baseline ? (JSON.parse(readFileSync(baseline, 'utf8')) as { summary: ReplaySummary }).summary : undefined;
  const started = performance.now();
  const gw = await openTarget({ ...target, simFaults: target.gateway ? undefined : { ...REPLAY_SIM_FAULTS, ...target.simFaults } });
  let records: Array<ReplayRecord & { requestId?: string }>;
  try {
    records = await pool(items, concurrency, (it) => replayOne(gw, it));
    await joinLogs(gw, records);
  } finally {
    await gw.close();
  }
  const summary = summarize(records);
  const header =
    `### Replay eval: \`${set}\` (${items.length} requests)\n\n` +
    `Against ${gw.describe}; non-stream, temperature 0, seed ${SEED}, cache bypassed, concurrency ${concurrency}. ` +
    `Latency in ms: client-side (send → body read) in the first table; the stages from the gateway's log lines${gw.requestLogs ? '' : ' (none: a deployed gateway logs elsewhere)'}.`;
  print(renderReport(summary, header));
  const failed = records.filter((r) => r.status !== 200);
  if (failed.length) print(`\nFailed requests: ${failed.map((r) => `${r.id} (${r.errorCode})`).join(', ')}.`);
  let regressed = false;
  if (base) {
    const result = compare(summary, base, tolerances);
    regressed = result.regressed;
    const note = base.requests !== summary.requests ? ` (note: ${base.requests} requests then, ${summary.requests} now)` : '';
    print(`\n${renderComparison(result.deltas, tolerances, baseline!, note)}`);
  }
  if (writeBaseline) {
    writeFileSync(writeBaseline, `${JSON.stringify({ set, sim_faults: target.gateway ? null : { ...REPLAY_SIM_FAULTS, ...target.simFaults }, summary }, null, 2)}\n`);
    print(`\nBaseline written to ${writeBaseline}.`);
  }
  print(`\neval:replay: ${summary.requests} requests, ${summary.requests - summary.ok} errors, ${regressed ? 'REGRESSED against the baseline' : base ? 'no regression against the baseline' : 'no baseline'} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return { exitCode: regressed ? 1 : 0, summary, records };
}

async function main(): Promise<void> {
  let opts: ReplayOptions;
  try {
    const { values, positional } = parseArgs(process.argv.slice(2), [
      '--baseline', '--write-baseline', '--gateway', '--key', '--sim-faults', '--concurrency', '--rate-tolerance', '--cost-tolerance',
    ]);
    if (positional.length !== 1) throw new Error('usage: eval-replay.ts <set.jsonl> [--baseline <file>] [--write-baseline <file>] [--gateway <url> --key <key>]');
    opts = {
      set: positional[0]!,
      baseline: values['--baseline'],
      writeBaseline: values['--write-baseline'],
      gateway: values['--gateway'],
      key: values['--key'] ?? process.env.GATEWAY_KEY,
      simFaults: parseFaults(values['--sim-faults']),
      concurrency: Number(values['--concurrency'] ?? 4),
      tolerances: { rate: Number(values['--rate-tolerance'] ?? DEFAULT_TOLERANCES.rate), cost: Number(values['--cost-tolerance'] ?? DEFAULT_TOLERANCES.cost) },
    };
    if (opts.gateway && !opts.key) throw new Error('--gateway needs --key <tenant key> (or GATEWAY_KEY)');
    loadSet(opts.set);
  } catch (err) {
    console.error(`eval:replay: ${(err as Error).message}`);
    process.exit(2);
  }
  const { exitCode } = await runReplay(opts);
  process.exit(exitCode);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
