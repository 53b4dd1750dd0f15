// Requests shaped to hurt the gateway or to get around its limits: each must get a clean 4xx,
// never a 500, and never more than the tenant's limits allow.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../../sim/provider.ts';
import { TEST_BINDINGS, testConfig } from '../harness/config.ts';
import { startGateway, type Gateway } from '../harness/gateway.ts';
import { chat } from '../harness/requests.ts';

const LANES_KEY = 'sk-test-lanes-0123456789';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

let provider: SimProvider;
let gateway: Gateway;

beforeAll(async () => {
  provider = await startProvider();
  const cfg = testConfig({ providerUrl: provider.url });
  // Limits on the interactive lane only: batch must not be a way around them.
  cfg.tenants.push({ id: 'lanes', apiKeyHashes: [sha256(LANES_KEY)], limits: { interactive: { capacity: 3, refillPerSecond: 0.001 } } });
  gateway = await startGateway(cfg, TEST_BINDINGS);
});
afterAll(async () => {
  await gateway?.close();
  await provider?.close();
});
beforeEach(() => {
  provider.reset();
  provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0 });
});

/** `{"a":{"a":…{"a":1}…}}`, `depth` objects deep. */
const nested = (depth: number): unknown => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

describe('deeply nested JSON', () => {
  it('a body nested 3,000 levels deep is a 400 naming the field, not a 500 — on the cache and idempotency paths', async () => {
    const deep = nested(3000);
    const bodies: Array<[Record<string, unknown>, Record<string, string>, string]> = [
      // Cacheable (temperature 0): the cache key encodes the tools.
      [{ temperature: 0, tools: [{ type: 'function', function: { name: 'f', parameters: deep } }] }, {}, 'tools[0].function.parameters'],
      // An unknown top-level field, encoded in the idempotency fingerprint.
      [{ metadata: deep }, { 'idempotency-key': 'deep-1' }, 'metadata'],
    ];
    for (const [body, headers, field] of bodies) {
      const res = await chat(gateway.url, body, { headers });
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; param: string; message: string } };
      expect(error.code).toBe('invalid_request');
      expect(error.param.startsWith(`${field}.a.a`)).toBe(true);
      expect(error.message).toContain('nested deeper than 64');
    }
    expect(provider.calls).toHaveLength(0);
  });

  it('a body nested within the limit is served, cached and idempotent as before', async () => {
    const body = { temperature: 0, tools: [{ type: 'function', function: { name: 'f', parameters: nested(40) } }] };
    const first = await chat(gateway.url, body, { headers: { 'idempotency-key': 'shallow-1' } });
    expect(first.status).toBe(200);
  });
});

describe('priority lanes', () => {
  it('a tenant with only interactive limits gets no more through the batch lane: it draws from the interactive bucket', async () => {
    const ask = (priority: string) => chat(gateway.url, { gateway: { priority } }, { key: LANES_KEY });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await ask('batch')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = await ask('batch');
    expect(refused.headers.get('ratelimit-limit')).toBe('3');
    expect(((await refused.json()) as { error: { param: string } }).error.param).toBe('interactive');
    // The same bucket: interactive is spent too.
    expect((await ask('interactive')).status).toBe(429);
    expect(provider.calls).toHaveLength(3);
  });
});
