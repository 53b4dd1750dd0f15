// What a browser asks before the official SDK's first request: the CORS preflight, through the
// built worker. The header list is what openai-node sends from a browser
// (node_modules/openai/client.mjs buildHeaders, internal/detect-platform.mjs), lower-cased and
// sorted as browsers put it in Access-Control-Request-Headers; accept is CORS-safelisted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../../sim/provider.ts';
import { TEST_BINDINGS, testConfig } from '../harness/config.ts';
import { startGateway, type Gateway } from '../harness/gateway.ts';

const ALLOWED = 'https://app.example.com';
const SDK_HEADERS = [
  'authorization', 'content-type', 'x-stainless-arch', 'x-stainless-helper-method', 'x-stainless-lang', 'x-stainless-os',
  'x-stainless-package-version', 'x-stainless-retry-count', 'x-stainless-runtime', 'x-stainless-runtime-version',
  'x-stainless-timeout',
];
/** Also sent by SDK options or other clients: organization/project, an idempotency key, a task id. */
const OPTIONAL_HEADERS = ['idempotency-key', 'openai-organization', 'openai-project', 'user-agent', 'x-gateway-task-id'];

let provider: SimProvider;
let gateway: Gateway;

beforeAll(async () => {
  provider = await startProvider();
  gateway = await startGateway({ ...testConfig({ providerUrl: provider.url }), cors: { allowOrigins: [ALLOWED] } }, TEST_BINDINGS);
});
afterAll(async () => {
  await gateway?.close();
  await provider?.close();
});

const preflight = (origin: string, headers: string[]) =>
  fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers.join(',') },
  });

/** What a browser checks: the origin echoed, and every requested header listed (case-insensitively). */
function browserAllows(res: Response, origin: string, headers: string[]): boolean {
  const allowed = new Set((res.headers.get('access-control-allow-headers') ?? '').split(',').map((h) => h.trim().toLowerCase()));
  return res.headers.get('access-control-allow-origin') === origin && headers.every((h) => allowed.has(h) || allowed.has('*'));
}

describe('CORS preflight for the official openai SDK in a browser', () => {
  it('an allowed origin may send every header openai-node sends from a browser', async () => {
    const res = await preflight(ALLOWED, SDK_HEADERS);
    expect(res.status).toBe(204);
    expect(browserAllows(res, ALLOWED, SDK_HEADERS)).toBe(true);
    expect(browserAllows(await preflight(ALLOWED, [...SDK_HEADERS, ...OPTIONAL_HEADERS]), ALLOWED, [...SDK_HEADERS, ...OPTIONAL_HEADERS])).toBe(true);
  });

  it('another origin is still refused', async () => {
    const res = await preflight('https://evil.example.com', SDK_HEADERS);
    expect(browserAllows(res, 'https://evil.example.com', SDK_HEADERS)).toBe(false);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
