import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createApp } from '../app';

const key = 'sk-unit-test-key';
const config = JSON.stringify({
  tenants: [{ id: 'acme', apiKeyHashes: [createHash('sha256').update(key).digest('hex')] }],
  models: [{ id: 'm', tier: 'small', inputPer1M: 1, outputPer1M: 1, contextWindow: 1000, endpoints: [{ id: 'e', baseUrl: 'http://127.0.0.1:9/v1' }] }],
});
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const app = createApp({ log: () => {} });
const models = (authorization?: string) =>
  app.request('/v1/models', { headers: authorization ? { authorization } : {} }, { GATEWAY_CONFIG: config }, ctx);

describe('authenticate', () => {
  it('puts the tenant of a known key on the request', async () => {
    const res = await models(`Bearer ${key}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toContain('m');
  });

  it('accepts any case of the scheme and surrounding spaces', async () => {
    expect((await models(`bearer   ${key} `)).status).toBe(200);
  });

  it.each([undefined, '', 'Bearer', `Basic ${key}`, `Bearer ${key}x`, `Bearer ${key} extra`, `${key}`])(
    'refuses %j with the same 401 body',
    async (header) => {
      const res = await models(header);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: Record<string, unknown> };
      expect(body.error).toMatchObject({ code: 'invalid_api_key', type: 'authentication_error' });
      expect(body.error.request_id).toBe(res.headers.get('x-request-id'));
    },
  );
});

describe('an accepted key, remembered by the isolate', () => {
  it('is refused once a new config no longer lists it, and a listed one is accepted again', async () => {
    expect((await models(`Bearer ${key}`)).status).toBe(200);
    expect((await models(`Bearer ${key}`)).status).toBe(200);
    const other = 'sk-unit-test-other';
    const rotated = JSON.stringify({ ...JSON.parse(config), tenants: [{ id: 'acme', apiKeyHashes: [createHash('sha256').update(other).digest('hex')] }] });
    const withRotated = (k: string) => app.request('/v1/models', { headers: { authorization: `Bearer ${k}` } }, { GATEWAY_CONFIG: rotated }, ctx);
    expect((await withRotated(key)).status).toBe(401);
    expect((await withRotated(other)).status).toBe(200);
    expect((await models(`Bearer ${key}`)).status).toBe(200);
  });
});
