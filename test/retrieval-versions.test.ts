// Versioned retrieval: the tenant's live index version goes to the origin; a sampled shadow
// version is compared off the response's path (overlap@k, score drift per tenant in the stats)
// and never changes a response; a result mixing embedding models is flagged and counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrieveVersion } from '../sim/documents.ts';
import { startOrigin, type SimOrigin } from '../sim/origin.ts';
import { compareRetrievals } from '../src/fanout/shadow.ts';
import { ADMIN_TOKEN, TEST_BINDINGS, testConfig } from './harness/config.ts';
import { chat } from './harness/requests.ts';
import { gatewaySuite } from './harness/suite.ts';

let origin: SimOrigin;
beforeAll(async () => {
  origin = await startOrigin();
});
afterAll(() => origin?.close());

function config(providerUrl: string, shadow = true) {
  const cfg: Record<string, any> = { ...testConfig({ providerUrl, originUrl: origin.url, budgets: { retrievalMs: 2000 } }), stats: { flushMs: 100 }, cache: { retrievalTtlSeconds: 0 } };
  cfg.tenants[0].retrieval = { indexVersion: 'v7', ...(shadow ? { shadow: { indexVersion: 'v8', sample: 1 } } : {}) };
  return cfg;
}
const s = gatewaySuite((url) => config(url), { each: ({ provider }) => provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0 }) });

const QUERIES = Array.from({ length: 8 }, (_, i) => `How do I rotate key number ${i} safely?`);
const ask = (q: string) => chat(s.gateway.url, { messages: [{ role: 'user', content: q }], gateway: { retrieval: { query: q, topK: 5 } } });
const stats = async () => (await (await fetch(`${s.gateway.url}/admin/stats?window=1m`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as any;

describe('index versions and shadow traffic', () => {
  it('reports overlap@k and score drift per tenant, as computed from the two versions; the shadow never changes a response', async () => {
    origin.reset();
    const withShadow = [];
    for (const q of QUERIES) withShadow.push(await (await ask(q)).json());
    // Live retrievals asked for v7; each was shadowed to v8 (after it).
    await expect.poll(() => origin.calls.filter((c) => (c.body as { indexVersion?: string }).indexVersion === 'v8').length).toBe(QUERIES.length);
    expect(origin.calls.filter((c) => (c.body as { indexVersion?: string }).indexVersion === 'v7')).toHaveLength(QUERIES.length);

    const expected = QUERIES.map((q) => compareRetrievals(retrieveVersion(q, 5, 'v7'), retrieveVersion(q, 5, 'v8')));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // A request without retrieval (so no shadow of its own) ships the last shadow results.
    await chat(s.gateway.url, { messages: [{ role: 'user', content: 'ship the figures' }] });
    await expect.poll(async () => (await stats()).by_tenant.acme?.shadow?.samples, { timeout: 10_000 }).toBe(QUERIES.length);
    const shadow = (await stats()).by_tenant.acme.shadow;
    expect(shadow.overlap_at_k).toBeCloseTo(mean(expected.map((e) => e.overlap)), 3);
    expect(shadow.score_drift).toBeCloseTo(mean(expected.map((e) => e.drift)), 3);
    expect(shadow.overlap_at_k).toBeLessThan(1); // the versions really differ

    // The same requests without a shadow: the same answers and sources.
    await s.gateway.setConfig(config(s.provider.url, false), TEST_BINDINGS);
    for (const [i, q] of QUERIES.entries()) {
      const plain = (await (await ask(q)).json()) as any;
      expect(plain.choices[0].message.content).toBe(withShadow[i].choices[0].message.content);
      expect(plain.gateway.sources).toEqual(withShadow[i].gateway.sources);
    }
    await s.gateway.setConfig(config(s.provider.url), TEST_BINDINGS);
  });

  it('a result mixing embedding models is marked degraded and counted', async () => {
    origin.setFaults('retrieve', { mixedEmbeddings: true });
    try {
      const res = await ask('Which embedding model answered this?');
      expect(res.headers.get('x-gateway-degraded')).toContain('retrieval:mixed_embeddings');
      await chat(s.gateway.url, { messages: [{ role: 'user', content: 'ship the figures' }] });
      await expect.poll(async () => (await stats()).degraded?.['retrieval:mixed_embeddings'], { timeout: 10_000 }).toBeGreaterThan(0);
    } finally {
      origin.setFaults('retrieve', null);
    }
  });
});
