import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startOrigin } from './origin.ts';
import type { SimOrigin } from './origin.ts';
import { postJson, readJson, waitFor } from './testing.ts';
import type { RerankResponse, RetrieveResponse, ToolResponse } from './documents.ts';
import type { ErrorBody } from './http.ts';

let sim: SimOrigin;
beforeAll(async () => {
  sim = await startOrigin();
});
afterEach(() => sim.reset());
afterAll(() => sim.close());

const post = (path: string, body: unknown, init?: RequestInit) => postJson(`${sim.url}${path}`, body, init);

describe('sim origin', () => {
  it('retrieves deterministic chunks with one duplicate', async () => {
    const t0 = performance.now();
    const res = await post('/retrieve', { tenant: 'acme', query: 'refund policy', filters: {} });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(35); // default ~40 ms
    const body = await readJson<RetrieveResponse>(res);
    expect(body.indexVersion).toBe('idx-2026-11-01');
    expect(body.chunks).toHaveLength(5);
    expect(body.chunks.map((c) => c.score)).toEqual([0.9, 0.85, 0.8, 0.75, 0.7]);
    const ids = body.chunks.map((c) => c.id);
    expect(new Set(ids).size).toBe(4);
    expect(ids[4]).toBe(ids[0]);
    for (const chunk of body.chunks) {
      expect(chunk.id).toMatch(/^doc-[0-9a-f]{8}-\d+$/);
      expect(chunk.source).toMatch(/^https:\/\/docs\.example\.com\/refund-policy/);
      expect(chunk.embeddingModel).toBe('sim-embed-1');
      const words = chunk.text.split(' ').length;
      expect(words).toBeGreaterThanOrEqual(60);
      expect(words).toBeLessThanOrEqual(120);
    }
    const again = await readJson<RetrieveResponse>(await post('/retrieve', { tenant: 'acme', query: 'refund policy', topK: 2 }));
    expect(again.chunks.map((c) => c.id)).toEqual([ids[0], ids[0]]);
    expect(sim.calls.map((c) => c.route)).toEqual(['retrieve', 'retrieve']);
  });

  it('answers tools and rerank', async () => {
    sim.setFaults('tools', { latencyMs: 0 });
    sim.setFaults('rerank', { latencyMs: 0 });
    const tool = await readJson<ToolResponse>(await post('/tools/weather', { tenant: 'acme', arguments: { city: 'Oslo' } }));
    expect(tool.result).toMatchObject({ tool: 'weather', tenant: 'acme', echo: { city: 'Oslo' } });
    const same = await readJson<ToolResponse>(await post('/tools/weather', { tenant: 'acme', arguments: { city: 'Oslo' } }));
    expect(same.result.value).toBe(tool.result.value);
    const chunks = [{ id: 'a', score: 0.9 }, { id: 'b', score: 0.8 }];
    const reranked = await readJson<RerankResponse>(await post('/rerank', { query: 'q', chunks }));
    expect(reranked.chunks).toEqual([{ id: 'b', score: 0.95 }, { id: 'a', score: 0.9 }]);
    expect(sim.calls.map((c) => c.route)).toEqual(['tools/weather', 'tools/weather', 'rerank']);
  });

  it('injects faults per route, tools/<name> over tools', async () => {
    sim.setFaults('tools', { status: 503, retryAfter: 1, latencyMs: 0 });
    sim.setFaults('tools/search', { latencyMs: 0 });
    const failed = await post('/tools/weather', { arguments: {} });
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('1');
    expect((await readJson<ErrorBody>(failed)).error.message).toContain('503');
    expect((await post('/tools/search', { arguments: {} })).status).toBe(200);
    sim.setFaults('retrieve', { status: 500, failFirst: 1, latencyMs: 0 });
    expect((await post('/retrieve', { query: 'x' })).status).toBe(500);
    expect((await post('/retrieve', { query: 'x' })).status).toBe(200);
    expect(sim.calls.map((c) => c.status)).toEqual([503, 200, 500, 200]);
  });

  it('holds, hangs and records aborted clients', async () => {
    sim.setFaults('rerank', { hold: true, latencyMs: 0 });
    const held = post('/rerank', { query: 'q', chunks: [] });
    await waitFor(() => sim.heldCount('rerank') === 1);
    sim.release('rerank');
    expect((await held).status).toBe(200);

    sim.setFaults('retrieve', { hang: true });
    const controller = new AbortController();
    const hanging = post('/retrieve', { query: 'x' }, { signal: controller.signal }).catch((e: unknown) => e);
    await waitFor(() => sim.calls.length === 2);
    controller.abort();
    expect(await hanging).toBeInstanceOf(Error);
    await waitFor(() => sim.calls[1]!.aborted);
    expect(sim.calls[1]).toMatchObject({ route: 'retrieve', status: 0, aborted: true });
  });

  it('refuses bad JSON and bad bodies with 400', async () => {
    const bad = await post('/retrieve', '{oops');
    expect(bad.status).toBe(400);
    expect((await readJson<ErrorBody>(bad)).error.type).toBe('invalid_request_error');
    expect((await post('/rerank', { chunks: 'no' })).status).toBe(400);
    expect((await post('/nope', {})).status).toBe(404);
    expect(sim.calls.map((c) => c.status)).toEqual([400, 400]);
  });
});
