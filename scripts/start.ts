// `npm start`: the embedded demo. Builds the demo pages (./public), starts the simulated provider
// (:8790) and origin (:8791), then `wrangler dev` on 127.0.0.1:8787 with config/demo.json as
// GATEWAY_CONFIG; the pages are at / and /sdk. No API keys needed.
// wrangler runs in its own process group and is stopped by group: it opens extra loopback ports
// and has been seen to ignore a single SIGTERM.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startOrigin } from '../sim/origin.ts';
import { startProvider } from '../sim/provider.ts';
import { buildPages } from './build-pages.ts';

const root = new URL('..', import.meta.url).pathname;
const config = JSON.stringify(JSON.parse(readFileSync(`${root}config/demo.json`, 'utf8')));

await buildPages();
const provider = await startProvider({ port: Number(process.env.SIM_PROVIDER_PORT ?? 8790) });
const origin = await startOrigin({ port: Number(process.env.SIM_ORIGIN_PORT ?? 8791) });
console.log(`simulated provider on ${provider.url}, simulated origin on ${origin.url}`);
const port = process.env.PORT ?? '8787';
console.log(`demo pages: http://127.0.0.1:${port}/ (chat, /v1/chat) and http://localhost:${port}/sdk (openai SDK, cross-origin)`);

const wrangler = spawn(
  `${root}node_modules/.bin/wrangler`,
  [
    'dev', '--ip', '127.0.0.1', '--port', port,
    '--var', `GATEWAY_CONFIG:${config}`,
    // The demo's operator token for /admin/*; in production a secret (`wrangler secret put ADMIN_TOKEN`).
    '--var', `ADMIN_TOKEN:${process.env.ADMIN_TOKEN ?? 'demo-admin-token'}`,
    ...process.argv.slice(2),
  ],
  {
    cwd: root,
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  },
);

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    process.kill(-wrangler.pid!, 'SIGTERM');
    setTimeout(() => {
      try {
        process.kill(-wrangler.pid!, 'SIGKILL');
      } catch {}
    }, 3000).unref();
  } catch {}
  await Promise.all([provider.close(), origin.close()]);
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
wrangler.on('exit', (code) => void stop(code ?? 1));
