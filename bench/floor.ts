// Runs a floor worker (bench/floor-worker.js, or another of the bench's reference workers) in workerd
// through Miniflare, as test/harness/gateway.ts runs the gateway: same compatibility date and flags
// (from wrangler.toml), same loopback HTTP entry.
import { fileURLToPath } from 'node:url';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { declaredWorkerOptions } from '../test/harness/worker-options.ts';

export interface Floor {
  url: string;
  close(): Promise<void>;
}

export interface FloorOptions {
  /** The worker, a file beside this one (default floor-worker.js). */
  script?: string;
  /** Put Miniflare's Static Assets router in front, with the gateway's `[assets]` (worker-options.ts). */
  assetRouter?: boolean;
}

export async function startFloor(upstream: string, { script = 'floor-worker.js', assetRouter = false }: FloorOptions = {}): Promise<Floor> {
  const { compatibilityDate, compatibilityFlags, assets } = declaredWorkerOptions({ assets: assetRouter });
  const mf = new Miniflare(convertV4MiniflareOptions({
    host: '127.0.0.1',
    port: 0,
    handleStructuredLogs: () => {},
    workers: [
      {
        compatibilityDate,
        compatibilityFlags,
        modules: true as const,
        scriptPath: fileURLToPath(new URL(`./${script}`, import.meta.url)),
        bindings: { UPSTREAM: upstream },
        ...(assets ? { assets } : {}),
      },
    ],
  } as Parameters<typeof convertV4MiniflareOptions>[0]));
  const url = (await mf.ready).toString().replace(/\/$/, '');
  return { url, close: () => mf.dispose() };
}
