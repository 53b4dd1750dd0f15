// Builds the demo pages and the operator dashboard into ./public, the Workers Static Assets
// directory (wrangler.toml [assets]): pages/*.html and style.css copied, pages/chat.ts, sdk.ts and
// dashboard.ts bundled with esbuild (the one wrangler itself bundles with) — the `ai`, `openai`
// and `uplot` packages included, uPlot's CSS as dashboard.css, so the pages load nothing from a CDN. ./public is build output (git-ignored); `npm start`, `npm run
// deploy` and the e2e tests' global setup run this first. Takes well under a second.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const src = `${root}pages`;
export const PUBLIC_DIR = `${root}public`;

export async function buildPages({ outdir = PUBLIC_DIR } = {}): Promise<void> {
  const bundles = await build({
    entryPoints: [`${src}/chat.ts`, `${src}/sdk.ts`, `${src}/dashboard.ts`],
    outdir,
    write: false,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  const files = new Map<string, Uint8Array | string>(bundles.outputFiles.map((f) => [basename(f.path), f.contents]));
  for (const file of readdirSync(src)) {
    if (file.endsWith('.html') || file.endsWith('.css')) files.set(file, readFileSync(`${src}/${file}`));
  }
  // Written in place, stale files removed after: `wrangler dev` watches this folder, and an
  // emptied folder mid-build can leave it serving a half-built set.
  mkdirSync(outdir, { recursive: true });
  for (const [name, contents] of files) writeFileSync(`${outdir}/${name}`, contents);
  for (const name of readdirSync(outdir)) if (!files.has(name)) rmSync(`${outdir}/${name}`, { recursive: true });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildPages();
