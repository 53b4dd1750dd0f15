// Builds the worker once per test run exactly as `wrangler deploy` would bundle it, so the e2e
// tests exercise the deployable artifact, not the sources through another bundler.
import { execFileSync } from 'node:child_process';
import { BUILD_DIR, ROOT } from './paths.ts';

export default function setup(): void {
  execFileSync(`${ROOT}/node_modules/.bin/wrangler`, ['deploy', '--dry-run', '--outdir', BUILD_DIR], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  });
}
