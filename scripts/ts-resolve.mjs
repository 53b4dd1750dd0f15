// Lets Node's type stripping load src/ files, whose relative imports carry no extension:
// `./features` → `./features.ts`, else `./features/index.ts`. No dependencies.
// Usage: node --import ./scripts/ts-resolve.mjs scripts/eval-router.ts
import { statSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

// Imported with --import on the main thread: register this same file as the hooks module (which
// Node then loads again, on its hooks thread, where it must not register itself a second time).
if (isMainThread) register(import.meta.url);

const isFile = (url) => statSync(url, { throwIfNoEntry: false })?.isFile() ?? false;

export async function resolve(specifier, context, nextResolve) {
  const relative = specifier.startsWith('./') || specifier.startsWith('../');
  if (relative && context.parentURL?.startsWith('file:') && !/\.[cm]?[jt]sx?$|\.json$/.test(specifier)) {
    for (const suffix of ['.ts', '/index.ts']) {
      const url = new URL(specifier + suffix, context.parentURL);
      if (isFile(url)) return nextResolve(url.href, context);
    }
  }
  return nextResolve(specifier, context);
}
