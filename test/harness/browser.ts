// Headless Chromium for the page tests (Debian's `chromium`, driven by playwright-core), and a
// tiny static file server so a page can be served from an origin other than the gateway's.
//
// Missing Chromium: like redis-server (./redis.ts), outside CI the suite is skipped with a loud
// warning; in CI (env CI set) `skipWithoutChromium()` is false, the suite runs and
// `launchChromium()` throws — a failure, never a silent skip. Pair the suite with
// `it('chromium is installed where required', assertChromiumInCI)` so the summary counts it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { inCI } from './redis.ts';

/** The browser binary: `CHROMIUM` if set, else Debian's /usr/bin/chromium. */
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_MISSING_MESSAGE =
  `!!! ${CHROMIUM} NOT FOUND: the page tests drive a real headless Chromium ` +
  `(Debian/Ubuntu: apt-get install -y chromium; or set CHROMIUM=/path/to/chromium). ` +
  `In CI (CI=true) this is a test failure, not a skip. !!!`;

export const chromiumAvailable = (): boolean => existsSync(CHROMIUM);

/** For `describe.skipIf(skipWithoutChromium())`: true only when Chromium is missing outside CI. */
export function skipWithoutChromium(): boolean {
  if (chromiumAvailable() || inCI()) return false;
  console.warn(`${CHROMIUM_MISSING_MESSAGE}\n(skipping the browser suite because CI is not set)`);
  return true;
}

/** Throws CHROMIUM_MISSING_MESSAGE in CI without Chromium; a no-op otherwise. */
export function assertChromiumInCI(): void {
  if (inCI() && !chromiumAvailable()) throw new Error(CHROMIUM_MISSING_MESSAGE);
}

export async function launchChromium(): Promise<Browser> {
  if (!chromiumAvailable()) throw new Error(CHROMIUM_MISSING_MESSAGE);
  return chromium.launch({
    executablePath: CHROMIUM,
    // The background-networking flags keep Chromium from calling home (updates, sync, field
    // trials): on a closed network those calls only retry and load the machine.
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

export interface StaticServer {
  /** `http://127.0.0.1:PORT`, the pages' origin. */
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json',
};

/** Serves `dir` read-only over GET on a free loopback port (`/` → index.html). */
export async function startStaticServer(dir: string): Promise<StaticServer> {
  const server = http.createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    if (req.method !== 'GET' || !file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
