// `npm run types`: regenerates worker-configuration.d.ts, the binding types (`Cloudflare.Env`)
// `wrangler types` derives from wrangler.toml. `npm run types:check` (CI): regenerates into a temp
// file and fails, with the diff, when the checked-in file differs — a binding added, renamed or
// removed in wrangler.toml without regenerating.
//
// Flags, and why:
// - --include-runtime=false: the runtime's types come from @cloudflare/workers-types (tsconfig.json),
//   so the file holds only this Worker's bindings (under 1 KB, not 630 KB).
// - --include-main-module=false: no `typeof import("./src/index")` (for `ctx.exports`, unused here),
//   which would make the file depend on where it is written.
// - --env-file=/dev/null: otherwise wrangler also types every secret in your local, git-ignored
//   .dev.vars (or .env) as a required string — the output would depend on the machine. Secrets
//   are declared by hand in src/env.ts instead.
// And one rewrite: wrangler types a Durable Object binding whose class src/index.ts exports as
// `DurableObjectNamespace<import("<path from the output file>/src/index").Class>`. That path would
// depend on where the file is written (a temp dir here), and the import would pull the Worker's
// sources into every tsconfig that includes this file (the Node and pages ones, which lack the
// Workers types). So it is written as wrangler writes an unresolved class,
// `DurableObjectNamespace /* Class */`; the code that calls the object types its stub
// (src/stats/client.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const FILE = 'worker-configuration.d.ts';
const FLAGS = ['--include-runtime=false', '--include-main-module=false', '--env-file=/dev/null'];

/**
 * Runs `wrangler types` into a temp file and returns the text as if written in place (the header
 * names the output path unless it is the default one), or undefined after printing why it failed.
 */
function generate(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-types-'));
  try {
    const out = join(dir, FILE);
    const r = spawnSync(`${root}node_modules/.bin/wrangler`, ['types', out, ...FLAGS], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
    });
    if (r.status !== 0) {
      process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
      console.error(`types: wrangler types failed (exit ${r.status ?? r.signal})`);
      return undefined;
    }
    return readFileSync(out, 'utf8')
      .replaceAll(` ${out}`, '')
      // wrangler's hash covers machine-specific paths (the checkout's, the temp file's): a clean
      // clone elsewhere would never match. The comparison below is the check; the hash is dropped.
      .replace(/ \(hash: [0-9a-f]+\)/, '')
      .replace(/DurableObjectNamespace<import\("[^"]*"\)\.(\w+)>/g, 'DurableObjectNamespace /* $1 */');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const target = join(root, FILE);
const expected = generate();
if (expected === undefined) process.exit(1);

if (!process.argv.includes('--check')) {
  writeFileSync(target, expected);
  console.log(`types: wrote ${FILE}`);
  process.exit(0);
}

const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
if (current === expected) {
  console.log(`types: ${FILE} matches wrangler.toml`);
  process.exit(0);
}
if (current === undefined) {
  console.error(`types: ${FILE} is missing — run \`npm run types\` and commit it.`);
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'gateway-types-'));
try {
  const fresh = join(dir, FILE);
  writeFileSync(fresh, expected);
  const labels = ['--label', `${FILE} (checked in)`, '--label', `${FILE} (from wrangler.toml)`];
  const diff = spawnSync('diff', ['-u', ...labels, target, fresh], { encoding: 'utf8' });
  process.stderr.write(diff.stdout || '(the files differ)\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.error(
  `types: ${FILE} is out of date with wrangler.toml (bindings drifted) — run \`npm run types\` and commit it.`,
);
process.exit(1);
