// Runs the built worker in workerd through the Miniflare API (what `wrangler dev` uses, without
// its reload proxy), with the bindings wrangler.toml declares (local KV included) and a
// GATEWAY_CONFIG chosen by the test. Requests go over real HTTP to a loopback port.
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { BUILD_DIR } from './paths.ts';
import { declaredWorkerOptions } from './worker-options.ts';

export interface Gateway {
  url: string;
  /** One URL per isolate (`isolates`); the first is `url`. */
  urls: string[];
  /** Everything the worker wrote to stdout/stderr (the per-request log lines among it). */
  output: () => string;
  /** JSON log records written with `msg: "request"`. */
  requestLogs: () => Array<Record<string, unknown>>;
  setConfig(config: unknown, bindings?: Record<string, string>): Promise<void>;
  /** The worker's GATEWAY_KV namespace, as the runtime sees it. */
  kv(): Promise<{ list(): Promise<{ keys: Array<{ name: string }> }>; delete(key: string): Promise<void> }>;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** Keep local KV (and other storage) in this folder, so it outlives a restart (setConfig). */
  persist?: string;
  /** Bind GATEWAY_KV to a value without a KV API, so every KV call the worker makes throws. */
  brokenKv?: boolean;
  /**
   * Run the worker this many times (default 1), each its own isolate with its own memory, sharing
   * what a deployment shares: KV, and the one GATEWAY_STATS Durable Object (the first worker
   * hosts it; the others' binding points at it by script name).
   */
  isolates?: number;
  /**
   * Leave the GATEWAY_STATS Durable Object unbound (default: bound, as wrangler.toml declares):
   * the gateway then keeps and ships no stats, and /admin/stats answers 503 (the bench's "off").
   */
  noStats?: boolean;
  /** Leave out Miniflare's Static Assets router (worker-options.ts): the bench's paths do. */
  noAssets?: boolean;
}

export async function startGateway(config: unknown, bindings: Record<string, string> = {}, opts: GatewayOptions = {}): Promise<Gateway> {
  const declared = declaredWorkerOptions({ assets: !opts.noAssets });
  const { durableObjects, ...rest } = declared;
  const bound = opts.noStats ? rest : { ...rest, durableObjects };
  const workerOptions = opts.brokenKv
    ? { ...bound, kvNamespaces: {}, bindings: { ...(bound.bindings ?? {}), GATEWAY_KV: { broken: true } } }
    : bound;
  let output = '';
  const names = Array.from({ length: opts.isolates ?? 1 }, (_, i) => `gateway-${i}`);
  // wrangler hands out options in Miniflare's v4 shape; Miniflare 5 converts them itself.
  const options = (cfg: unknown, extra: Record<string, string>) => ({
    ...convertV4MiniflareOptions({
    host: '127.0.0.1',
    port: 0,
    // The worker's console output, kept for the tests (and out of the test runner's stdout).
    handleStructuredLogs: (log: { message: string }) => {
      output += `${log.message}\n`;
    },
    workers: names.map((name, i) => ({
      ...workerOptions,
      name,
      modules: true as const,
      scriptPath: `${BUILD_DIR}/index.js`,
      bindings: { ...(workerOptions.bindings ?? {}), ...extra, GATEWAY_CONFIG: typeof cfg === 'string' ? cfg : JSON.stringify(cfg) },
      ...(i > 0
        ? {
            durableObjects: opts.noStats ? {} : { GATEWAY_STATS: { className: 'GatewayStats', scriptName: names[0], useSQLite: true } },
            unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
          }
        : {}),
    })),
  } as Parameters<typeof convertV4MiniflareOptions>[0]),
    ...(opts.persist ? { resourcePersistencePath: opts.persist } : {}),
  });
  const mf = new Miniflare(options(config, bindings));
  const url = (await mf.ready).toString().replace(/\/$/, '');
  const others = await Promise.all(names.slice(1).map(async (name) => (await mf.unsafeGetDirectURL(name)).toString().replace(/\/$/, '')));
  return {
    url,
    urls: [url, ...others],
    output: () => output,
    requestLogs: () =>
      output
        .split('\n')
        .filter((l) => l.startsWith('{') && l.includes('"msg":"request"'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    async setConfig(cfg, extra = {}) {
      await mf.setOptions(options(cfg, extra));
    },
    kv: () => mf.getKVNamespace('GATEWAY_KV') as never,
    close: () => mf.dispose(),
  };
}
