// Runs bench/floor-worker.js in workerd through Miniflare, as test/harness/gateway.ts runs the
// gateway: same compatibility date and flags (from wrangler.toml), same loopback HTTP entry.
import { fileURLToPath } from 'node:url';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { ROOT } from '../test/harness/paths.ts';

export interface Floor {
  url: string;
  close(): Promise<void>;
}

export async function startFloor(upstream: string): Promise<Floor> {
  const { compatibilityDate, compatibilityFlags } = unstable_getMiniflareWorkerOptions(`${ROOT}/wrangler.toml`).workerOptions;
  const mf = new Miniflare(convertV4MiniflareOptions({
    host: '127.0.0.1',
    port: 0,
    handleStructuredLogs: () => {},
    workers: [
      {
        compatibilityDate,
        compatibilityFlags,
        modules: true as const,
        scriptPath: fileURLToPath(new URL('./floor-worker.js', import.meta.url)),
        bindings: { UPSTREAM: upstream },
      },
    ],
  } as Parameters<typeof convertV4MiniflareOptions>[0]));
  const url = (await mf.ready).toString().replace(/\/$/, '');
  return { url, close: () => mf.dispose() };
}
