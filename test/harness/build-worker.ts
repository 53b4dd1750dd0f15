// Builds the worker once per test run exactly as `wrangler deploy` would bundle it, so the e2e
// tests exercise the deployable artifact, not the sources through another bundler; and the demo
// pages into ./public, the static assets the worker serves (wrangler.toml [assets]).
import { execFileSync } from 'node:child_process';
import { buildPages } from '../../scripts/build-pages.ts';
import { BUILD_DIR, ROOT } from './paths.ts';

export default async function setup(): Promise<void> {
  await buildPages();
  execFileSync(`${ROOT}/node_modules/.bin/wrangler`, ['deploy', '--dry-run', '--outdir', BUILD_DIR], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  });
}
