import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createApp } from '../app';

const key = 'sk-cors-test';
const config = (allowOrigins?: string[]) =>
  JSON.stringify({
    tenants: [{ id: 'acme', apiKeyHashes: [createHash('sha256').update(key).digest('hex')] }],
    models: [{ id: 'm', tier: 'small', inputPer1M: 1, outputPer1M: 1, contextWindow: 1000, endpoints: [{ id: 'e', baseUrl: 'http://127.0.0.1:9/v1' }] }],
    ...(allowOrigins ? { cors: { allowOrigins } } : {}),
  });
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const app = createApp({ log: () => {} });

describe('CORS', () => {
  it('answers a preflight from an allowed origin without a key', async () => {
    const res = await app.request(
      '/v1/chat/completions',
      { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } },
      { GATEWAY_CONFIG: config(['https://app.example.com']) },
      ctx,
    );
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('access-control-allow-headers')).toContain('idempotency-key');
  });

  it('lets the official openai SDK send its x-stainless-* headers from an allowed origin only', async () => {
    const requested = 'authorization,content-type,x-stainless-arch,x-stainless-lang,x-stainless-os,x-stainless-package-version,x-stainless-retry-count,x-stainless-runtime,x-stainless-runtime-version,x-stainless-timeout';
    const ask = (origin: string) =>
      app.request(
        '/v1/chat/completions',
        { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': requested } },
        { GATEWAY_CONFIG: config(['https://app.example.com']) },
        ctx,
      );
    const allowed = await ask('https://app.example.com');
    const list = allowed.headers.get('access-control-allow-headers')!.split(',');
    expect(requested.split(',').filter((h) => !list.includes(h))).toEqual([]);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect((await ask('https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('exposes the gateway headers on an allowed request', async () => {
    const res = await app.request('/v1/models', { headers: { origin: 'https://app.example.com', authorization: `Bearer ${key}` } }, { GATEWAY_CONFIG: config(['*']) }, ctx);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });

  it('gives a server-side caller (no Origin) no CORS headers, only Vary: Origin, and the answer intact', async () => {
    const res = await app.request('/v1/models', { headers: { authorization: `Bearer ${key}` } }, { GATEWAY_CONFIG: config(['*']) }, ctx);
    expect(res.status).toBe(200);
    expect([...res.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
    expect(res.headers.get('vary')).toBe('Origin');
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(((await res.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toContain('m');
    // The same request from a browser on an allowed origin gets them.
    const browser = await app.request('/v1/models', { headers: { origin: 'https://app.example.com', authorization: `Bearer ${key}` } }, { GATEWAY_CONFIG: config(['*']) }, ctx);
    expect(browser.headers.get('access-control-allow-origin')).toBe('*');
    expect(browser.headers.get('vary')).toBe('Origin');
  });

  it('allows no origin by default, nor one not listed', async () => {
    for (const cfg of [config(), config(['https://other.example.com'])]) {
      const res = await app.request('/v1/models', { headers: { origin: 'https://evil.example.com', authorization: `Bearer ${key}` } }, { GATEWAY_CONFIG: cfg }, ctx);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});
