// `npm run bundle:size`: builds the Worker exactly as `wrangler deploy` would upload it
// (`wrangler deploy --dry-run --outdir <tmp>`: no account, no network) and prints its size, raw and
// gzipped — the figure Cloudflare's Worker size limit applies to (3 MB gzip on Workers Free,
// 10 MB on Paid). Source maps and wrangler's README in the outdir are not uploaded, so not counted.
//
//   node scripts/bundle-size.ts [--keep]    (--keep leaves the bundle in place and prints its path)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildPages } from './build-pages.ts';

const root = new URL('..', import.meta.url).pathname;
const keep = process.argv.includes('--keep');
const outdir = mkdtempSync(join(tmpdir(), 'gateway-bundle-'));
const n = (bytes: number) => bytes.toLocaleString('en-US');

// The pages go up as assets beside the Worker, as `npm run deploy` builds them; wrangler refuses a missing folder.
await buildPages();

let failed = false;
try {
  const r = spawnSync(`${root}node_modules/.bin/wrangler`, ['deploy', '--dry-run', '--outdir', outdir], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    console.error(`bundle: wrangler deploy --dry-run failed (exit ${r.status ?? r.signal})`);
    failed = true;
  } else {
    const modules = readdirSync(outdir).filter((f) => !f.endsWith('.map') && f !== 'README.md');
    let raw = 0;
    let gzip = 0;
    for (const f of modules) {
      const bytes = readFileSync(join(outdir, f));
      raw += bytes.length;
      gzip += gzipSync(bytes).length;
    }
    console.log(`bundle: ${n(raw)} B (gzip ${n(gzip)} B) — ${modules.join(', ')}`);
    if (keep) console.log(`bundle: kept in ${outdir}`);
  }
} finally {
  if (!keep || failed) rmSync(outdir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
