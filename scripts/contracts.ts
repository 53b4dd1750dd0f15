// `npm run contracts -- [--config contracts/contracts.json] [--gateway <url> --key <tenant key>]
//   [--sim-faults '{"contractViolation":true}'] [--concurrency 4]`
//
// Contract tests: replays fixed prompts with fixed seeds (temperature 0, cache bypassed) against
// the configured models and validates the answers — JSON content against the case's
// `response_format` schema, tool calls against their tools' parameters — with the gateway's own
// checker (src/contracts: `contractOf` + `check`) on the answer as the client got it, and the
// gateway's verdict (`gateway.contract`) against the worst one the case accepts. Prints a table;
// exits 1 on any violation (a deploy gate), 2 when the file or the options are wrong.
// By default it starts the simulated provider and the built worker itself (a few seconds).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { check, contractOf, type Outcome } from '../src/contracts/contract';
import { openTarget, parseArgs, parseFaults, pool, type TargetOptions } from './eval-target.ts';

const schemaObject = z.record(z.string(), z.unknown());
const contractCase = z
  .object({
    name: z.string().min(1),
    model: z.string().min(1),
    messages: z.array(z.looseObject({ role: z.string(), content: z.unknown().optional() })).min(1),
    seed: z.number().int(),
    response_format: z.looseObject({ type: z.literal('json_schema'), json_schema: z.looseObject({ name: z.string().min(1), schema: schemaObject }) }).optional(),
    tools: z.array(z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string().min(1), parameters: schemaObject.optional() }) })).min(1).optional(),
    tool_choice: z.unknown().optional(),
    max_tokens: z.number().int().positive().optional(),
    expect: z.object({
      /** The content is JSON matching `response_format`'s schema. */
      schema: z.literal('valid').optional(),
      /** The answer calls this tool, with arguments matching its parameters. */
      tool: z.string().min(1).optional(),
      /** The worst gateway verdict accepted: a repair or a re-ask means the model's own output was off. @default "repaired" */
      contract: z.enum(['valid', 'repaired', 'reasked']).default('repaired'),
    }),
  })
  .superRefine((c, ctx) => {
    if (!c.expect.schema && !c.expect.tool) ctx.addIssue({ code: 'custom', path: ['expect'], message: 'expects neither `schema` nor `tool`' });
    if (c.expect.schema && !c.response_format) ctx.addIssue({ code: 'custom', path: ['response_format'], message: '`expect.schema` needs a json_schema response_format' });
    if (c.expect.tool && !c.tools?.some((t) => t.function.name === c.expect.tool)) {
      ctx.addIssue({ code: 'custom', path: ['expect', 'tool'], message: `no tool "${c.expect.tool}" in \`tools\`` });
    }
  });
export const contractFile = z.object({ cases: z.array(contractCase).min(1) }).superRefine((f, ctx) => {
  const names = f.cases.map((c) => c.name);
  names.forEach((n, i) => names.indexOf(n) !== i && ctx.addIssue({ code: 'custom', path: ['cases', i, 'name'], message: `duplicate case name "${n}"` }));
});
export type ContractCase = z.infer<typeof contractCase>;

export interface CaseResult {
  name: string;
  model: string;
  /** x-gateway-model: the model that answered. */
  servedBy: string;
  /** gateway.contract.outcome, or `invalid` for a 422 schema_violation. */
  outcome: Outcome | '';
  ok: boolean;
  /** What was wrong, when not ok. */
  problems: string[];
  ms: number;
}

/** The request a case sends: fixed seed, temperature 0, the cache bypassed (the model is under test, not the cache). */
export function requestOf(c: ContractCase): Record<string, unknown> {
  const { name: _n, expect: _e, ...body } = c;
  return { ...body, temperature: 0, stream: false, gateway: { cache: 'bypass' } };
}

const RANK: Record<Outcome, number> = { valid: 0, repaired: 1, reasked: 2, invalid: 3 };

/** Judges one answer (status, JSON body) against its case. Pure. */
export function judge(c: ContractCase, status: number, body: any): Pick<CaseResult, 'outcome' | 'ok' | 'problems'> {
  const problems: string[] = [];
  if (status !== 200) {
    const e = body?.error ?? {};
    const errors = Array.isArray(e.errors) ? `: ${e.errors.slice(0, 3).map((x: any) => `${x.path} ${x.message}`).join('; ')}` : e.message ? `: ${String(e.message).slice(0, 200)}` : '';
    return { outcome: e.code === 'schema_violation' ? 'invalid' : '', ok: false, problems: [`HTTP ${status} ${e.code ?? ''}${errors}`] };
  }
  const choice = body?.choices?.[0];
  const message = choice?.message;
  if (!message) return { outcome: '', ok: false, problems: ['no message in the answer'] };
  if (typeof message.refusal === 'string' && message.refusal) problems.push(`refused: ${message.refusal.slice(0, 100)}`);
  const contract = contractOf(requestOf(c));
  if (contract) {
    // The answer as delivered must be valid as it stands: strict JSON, nothing left to repair.
    const verdict = check(contract, message, choice.finish_reason !== 'length');
    for (const e of verdict.errors.slice(0, 5)) problems.push(`${e.path}: ${e.message}`);
    if (verdict.outcome === 'repaired') problems.push(`delivered JSON needs repairs (${verdict.repairs.join(', ')})`);
  }
  const calls: any[] = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  if (c.expect.tool && !calls.some((t) => t?.function?.name === c.expect.tool)) {
    problems.push(`no call to ${c.expect.tool} (${calls.length ? `called ${calls.map((t) => t?.function?.name).join(', ')}` : `finish_reason ${choice.finish_reason}`})`);
  }
  if (c.expect.schema && typeof message.content !== 'string') problems.push(`no JSON content (finish_reason ${choice.finish_reason})`);
  const outcome = body?.gateway?.contract?.outcome as Outcome | undefined;
  if (!outcome) problems.push('no gateway.contract verdict in the answer');
  else if (RANK[outcome] > RANK[c.expect.contract]) problems.push(`gateway verdict "${outcome}" is worse than the accepted "${c.expect.contract}"`);
  return { outcome: outcome ?? '', ok: problems.length === 0, problems };
}

export function loadContracts(path: string): ContractCase[] {
  const parsed = contractFile.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data.cases;
}

export function renderTable(results: readonly CaseResult[]): string {
  const rows = results.map((r) => `| ${r.name} | ${r.model} | ${r.servedBy || '–'} | ${r.outcome || '–'} | ${r.ms.toFixed(0)} | ${r.ok ? 'pass' : '**FAIL**'} |`);
  const failures = results.filter((r) => !r.ok).flatMap((r) => [`- **${r.name}**:`, ...r.problems.map((p) => `  - ${p}`)]);
  return [
    '| case | model | served by | gateway.contract | ms | result |',
    '| --- | --- | --- | --- | ---: | --- |',
    ...rows,
    ...(failures.length ? ['', 'Violations:', '', ...failures] : []),
  ].join('\n');
}

export interface ContractsOptions extends TargetOptions {
  config: string;
  concurrency?: number;
  /** Where the report goes. @default console.log */
  print?: (text: string) => void;
}

/** Runs every case; resolves to the exit code (0 all pass, 1 a violation) and the results. */
export async function runContracts({ config, concurrency = 4, print = console.log, ...target }: ContractsOptions): Promise<{ exitCode: 0 | 1; results: CaseResult[] }> {
  const cases = loadContracts(config);
  const started = performance.now();
  const gw = await openTarget(target);
  let results: CaseResult[];
  try {
    results = await pool(cases, concurrency, async (c) => {
      const t0 = performance.now();
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(requestOf(c)),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = { error: { message: `not JSON: ${text.slice(0, 100)}` } };
      }
      const verdict = judge(c, res.status, body);
      return { name: c.name, model: c.model, servedBy: res.headers.get('x-gateway-model') ?? '', ms: performance.now() - t0, ...verdict };
    });
  } finally {
    await gw.close();
  }
  const failed = results.filter((r) => !r.ok).length;
  print(`### Contract tests: ${config}\n\nAgainst ${gw.describe}; seeds fixed, temperature 0, cache bypassed.\n\n${renderTable(results)}\n`);
  print(`contracts: ${results.length - failed} passed, ${failed} failed (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return { exitCode: failed ? 1 : 0, results };
}

async function main(): Promise<void> {
  let opts: ContractsOptions;
  try {
    const { values } = parseArgs(process.argv.slice(2), ['--config', '--gateway', '--key', '--sim-faults', '--concurrency']);
    opts = {
      config: values['--config'] ?? 'contracts/contracts.json',
      gateway: values['--gateway'],
      key: values['--key'] ?? process.env.GATEWAY_KEY,
      simFaults: parseFaults(values['--sim-faults']),
      concurrency: Number(values['--concurrency'] ?? 4),
    };
    if (opts.gateway && !opts.key) throw new Error('--gateway needs --key <tenant key> (or GATEWAY_KEY)');
    loadContracts(opts.config);
  } catch (err) {
    console.error(`contracts: ${(err as Error).message}`);
    process.exit(2);
  }
  const { exitCode } = await runContracts(opts);
  process.exit(exitCode);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
