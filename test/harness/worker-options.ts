// The worker's Miniflare options as wrangler.toml declares them (bindings, Durable Objects, KV,
// assets, compatibility), shared by the test harness and the bench.
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { ROOT } from './paths.ts';

type Declared = ReturnType<typeof unstable_getMiniflareWorkerOptions>['workerOptions'];

/**
 * `assets: false` leaves out the Static Assets router Miniflare puts in front of a worker with
 * `[assets]` (the pages): requests then reach the worker directly, as its isolate sees them in
 * production, where Cloudflare's asset routing runs outside it. Under Miniflare the router is a
 * worker of its own in the same workerd, and costs every request ~0.6 ms of CPU there (the
 * bench's "floor + asset router" row). modulesRules are dropped: the built bundle is one ES module.
 */
export function declaredWorkerOptions({ assets = true }: { assets?: boolean } = {}): Omit<Declared, 'modulesRules'> {
  const { modulesRules: _rules, assets: routed, ...rest } = unstable_getMiniflareWorkerOptions(`${ROOT}/wrangler.toml`).workerOptions;
  return assets ? { ...rest, assets: routed } : rest;
}
