// Requests shaped to hurt the gateway or to get around its limits: each must get a clean 4xx,
// never a 500, and never more than the tenant's limits allow.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../../sim/provider.ts';
import { TENANT_KEY, TEST_BINDINGS, testConfig } from '../harness/config.ts';
import { startGateway, type Gateway } from '../harness/gateway.ts';
import { chat } from '../harness/requests.ts';

let provider: SimProvider;
let gateway: Gateway;

beforeAll(async () => {
  provider = await startProvider();
  gateway = await startGateway(testConfig({ providerUrl: provider.url }), TEST_BINDINGS);
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
