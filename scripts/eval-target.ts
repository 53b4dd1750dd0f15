// The gateway the contract tests and replay evals talk to: a deployed one (`--gateway <url>
// --key <tenant key>`), or — by default — the built worker in workerd (Miniflare) pointed at the
// simulated provider in its own process, with the faults the caller asks for on both models.
import { spawnSim, type SimProcess } from '../bench/sim.ts';
import buildWorker from '../test/harness/build-worker.ts';
import { TENANT_KEY, TEST_BINDINGS, testConfig } from '../test/harness/config.ts';
import { startGateway } from '../test/harness/gateway.ts';

export type SimFaults = Record<string, number | boolean>;

export interface TargetOptions {
  /** A deployed gateway's base URL; absent: start the sim and the gateway here. */
  gateway?: string;
  /** The tenant key for `gateway` (required with it). */
  key?: string;
  /** Provider faults for both sim models (`east` = sim-small, `west` = sim-large), merged over `timing`. */
  simFaults?: SimFaults;
  /**
   * The sim's timing per scope.
   * @default small: first token 20 ms, 1 ms a token; large: 60 ms, 2 ms — fast, so a CI run takes seconds.
   */
  timing?: { east: SimFaults; west: SimFaults };
  /** Build the worker first (`wrangler deploy --dry-run`, ~2 s). @default true */
  build?: boolean;
}

export interface Target {
  url: string;
  key: string;
  /** The gateway's per-request log records, when it runs here (a deployed one's logs are elsewhere). */
  requestLogs?: () => Array<Record<string, unknown>>;
  sim?: SimProcess;
  /** Where the answers come from, for the report's header. */
  describe: string;
  close(): Promise<void>;
}

const TIMING = { east: { firstTokenMs: 20, interTokenMs: 1 }, west: { firstTokenMs: 60, interTokenMs: 2 } };

export async function openTarget({ gateway, key, simFaults = {}, timing = TIMING, build = true }: TargetOptions): Promise<Target> {
  if (gateway) {
    if (!key) throw new Error('--gateway needs --key <tenant key> (or GATEWAY_KEY)');
    return { url: gateway.replace(/\/$/, ''), key, describe: `the gateway at ${gateway}`, close: async () => {} };
  }
  if (build) await buildWorker();
  const sim = await spawnSim();
  try {
    await sim.setFaults('east', { ...timing.east, ...simFaults });
    await sim.setFaults('west', { ...timing.west, ...simFaults });
    const gw = await startGateway(testConfig({ providerUrl: sim.url }), TEST_BINDINGS);
    const faults = Object.entries(simFaults).map(([k, v]) => `${k}=${v}`).join(', ');
    return {
      url: gw.url,
      key: TENANT_KEY,
      requestLogs: gw.requestLogs,
      sim,
      describe: `the built worker in workerd against the simulated provider${faults ? ` (faults: ${faults})` : ''}`,
      close: async () => {
        await gw.close();
        await sim.close();
      },
    };
  } catch (err) {
    await sim.close();
    throw err;
  }
}

/** `--name value` flags and positional arguments, nothing more. */
export function parseArgs(argv: string[], flags: readonly string[], switches: readonly string[] = []) {
  const values: Record<string, string> = {};
  const on = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (switches.includes(a)) on.add(a);
    else if (flags.includes(a)) {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      values[a] = v;
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else positional.push(a);
  }
  return { values, on, positional };
}

/** `--sim-faults '{"contractViolation":true}'`: a flat JSON object of numbers and booleans. */
export function parseFaults(text: string | undefined): SimFaults {
  if (!text) return {};
  const value = JSON.parse(text) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'number' || typeof v === 'boolean')) {
    throw new Error('--sim-faults must be a flat JSON object of numbers and booleans');
  }
  return value as SimFaults;
}

/** Runs `work` over `items`, `concurrency` at a time, results in item order. */
export async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!, i);
      }
    }),
  );
  return out;
}
