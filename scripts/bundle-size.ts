// `npm run bundle:size`: builds the Worker exactly as `wrangler deploy` would upload it
// (`wrangler deploy --dry-run --outdir <tmp>`: no account, no network) and prints its size, raw and
// gzipped — the figure Cloudflare's Worker size limit applies to (3 MB gzip on Workers Free,
// 10 MB on Paid). Source maps and wrangler's README in the outdir are not uploaded, so not counted.
// The bench measures it the same way, through bundleSize() (bench/coldstart.ts, `npm run bench -- --only coldstart`).
//
//   node scripts/bundle-size.ts [--keep]    (--keep leaves the bundle in place and prints its path)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildPages } from './build-pages.ts';

const root = new URL('..', import.meta.url).pathname;
const n = (bytes: number) => bytes.toLocaleString('en-US');

export interface BundleSize {
  /** Bytes of every uploaded module (minified), summed. */
  raw: number;
  /** The same, each module gzipped on its own, summed. */
  gzip: number;
  modules: string[];
}

/** wrangler's output when the dry-run build fails. */
export class BundleBuildError extends Error {
  readonly output: string;
  constructor(output: string, exit: number | string) {
    super(`wrangler deploy --dry-run failed (exit ${exit})`);
    this.output = output;
  }
}

/** The size of what `wrangler deploy` uploads from an outdir: its modules, not their source maps nor wrangler's README. */
export function measureBundle(outdir: string): BundleSize {
  const modules = readdirSync(outdir).filter((f) => !f.endsWith('.map') && f !== 'README.md');
  let raw = 0;
  let gzip = 0;
  for (const f of modules) {
    const bytes = readFileSync(join(outdir, f));
    raw += bytes.length;
    gzip += gzipSync(bytes).length;
  }
  return { raw, gzip, modules };
}

/**
 * Builds the Worker into a new temporary folder as `wrangler deploy` would upload it, and measures it.
 * The folder is removed, unless `keep` (then its path is `dir`). Throws BundleBuildError when wrangler fails.
 */
export async function bundleSize(opts: { keep?: boolean } = {}): Promise<BundleSize & { dir?: string }> {
  const outdir = mkdtempSync(join(tmpdir(), 'gateway-bundle-'));
  let kept = false;
  try {
    // The pages go up as assets beside the Worker, as `npm run deploy` builds them; wrangler refuses a missing folder.
    await buildPages();
    const r = spawnSync(`${root}node_modules/.bin/wrangler`, ['deploy', '--dry-run', '--outdir', outdir], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
    });
    if (r.status !== 0) throw new BundleBuildError(`${r.stdout ?? ''}${r.stderr ?? ''}`, r.status ?? r.signal ?? 'unknown');
    const size = measureBundle(outdir);
    kept = opts.keep === true;
    return kept ? { ...size, dir: outdir } : size;
  } finally {
    if (!kept) rmSync(outdir, { recursive: true, force: true });
  }
}

/** `387,836 B (gzip 122,202 B) — index.js` */
export const formatBundle = (b: BundleSize) => `${n(b.raw)} B (gzip ${n(b.gzip)} B) — ${b.modules.join(', ')}`;

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const b = await bundleSize({ keep: process.argv.includes('--keep') });
    console.log(`bundle: ${formatBundle(b)}`);
    if (b.dir) console.log(`bundle: kept in ${b.dir}`);
  } catch (err) {
    if (!(err instanceof BundleBuildError)) throw err;
    process.stderr.write(err.output);
    console.error(`bundle: ${err.message}`);
    process.exit(1);
  }
  process.exit(0);
}
