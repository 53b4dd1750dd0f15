// Retrieval and tools fetched in parallel under per-stage deadlines, the degradation ladder, the
// context budget and versioned prompts — asserted from what the sims record (server-side
// timestamps, aborted calls, the provider's request body), not from client wall-clock thresholds.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOrigin, type SimOrigin } from '../sim/origin.ts';
import { startProvider, type SimProvider } from '../sim/provider.ts';
import { waitFor } from '../sim/testing.ts';
import { OTHER_TENANT_KEY, TENANT_KEY, TEST_BINDINGS, testConfig } from './harness/config.ts';
import { startGateway, type Gateway } from './harness/gateway.ts';
import { chat } from './harness/requests.ts';
import { FrameReader, jsonEvents } from './harness/sse.ts';

let provider: SimProvider;
let origin: SimOrigin;
let gateway: Gateway;
const BUDGETS = { retrievalMs: 600, toolsMs: 600, rerankMs: 200, firstTokenMs: 5000, totalMs: 10000 };
const RAG = { retrieval: { query: 'how do breakers work' }, tools: [{ name: 'search', arguments: { q: 'breakers' } }] };

// The retrieval cache is off here: these tests watch every origin call (it has its own test below).
function config(extra: Record<string, unknown> = {}) {
  return { ...testConfig({ providerUrl: provider.url, originUrl: origin.url, budgets: BUDGETS }), retrieval: { rerank: true }, cache: { retrievalTtlSeconds: 0 }, ...extra };
}

beforeAll(async () => {
  provider = await startProvider();
  origin = await startOrigin();
  gateway = await startGateway(config(), TEST_BINDINGS);
});
afterAll(async () => {
  await gateway?.close();
  await origin?.close();
  await provider?.close();
});
beforeEach(() => {
  provider.reset();
  origin.reset();
  provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0 });
});

const call = (route: string) => origin.calls.find((c) => c.route === route)!;
/** The system message the provider received. */
const systemSent = () => ((provider.calls[0]!.body as { messages: Array<{ role: string; content: string }> }).messages[0]!);
async function answer(body: Record<string, unknown> = { gateway: RAG }) {
  const res = await chat(gateway.url, body);
  expect(res.status).toBe(200);
  return { res, json: (await res.json()) as { choices: Array<{ message: { content: string } }>; gateway: Record<string, any> } };
}

describe('parallel fan-out', () => {
  it('starts the provider after retrieval (300 ms) and a tool (400 ms) settle, and before their sum', async () => {
    origin.setFaults('retrieve', { latencyMs: 300 });
    origin.setFaults('tools/search', { latencyMs: 400 });
    const { json } = await answer();
    const retrieve = call('retrieve');
    const tool = call('tools/search');
    const started = provider.calls[0]!.startedAt;
    // Both stages were running at the same time…
    expect(Math.abs(tool.startedAt - retrieve.startedAt)).toBeLessThan(100);
    // …the provider waited for both (and for rerank, which follows retrieval)…
    expect(started).toBeGreaterThanOrEqual(Math.max(retrieve.endedAt!, tool.endedAt!, call('rerank').endedAt!));
    // …and did not wait for their sum.
    expect(started).toBeLessThan(Math.min(retrieve.startedAt, tool.startedAt) + 300 + 400);
    expect(json.gateway.degraded).toEqual([]);
    expect(json.gateway.sources.length).toBeGreaterThan(0);
  });

  it('costs nothing when the request asks for no stage', async () => {
    await answer({});
    expect(origin.calls).toEqual([]);
    expect((provider.calls[0]!.body as { messages: unknown[] }).messages).toHaveLength(1);
  });

  it('passes the tenant, query, topK and filters to the origin', async () => {
    await answer({ gateway: { retrieval: { query: 'q1', topK: 3, filters: { lang: 'en' } } } });
    expect(call('retrieve').body).toEqual({ tenant: 'acme', query: 'q1', topK: 3, filters: { lang: 'en' } });
  });

  it('defaults the query to the last user message', async () => {
    await answer({ gateway: { retrieval: {} } });
    expect((call('retrieve').body as { query: string }).query).toBe('How do circuit breakers protect an LLM gateway?');
  });
});

describe('degradation ladder', () => {
  it('rerank late → retrieval order, marked, rerank aborted at the origin', async () => {
    origin.setFaults('rerank', { latencyMs: 2000 });
    const { res, json } = await answer();
    expect(res.headers.get('x-gateway-degraded')).toBe('rerank:timeout');
    expect(json.choices[0]!.message.content.length).toBeGreaterThan(0);
    // Retrieval order (descending scores from /retrieve), not the reranker's reversed order.
    expect(json.gateway.sources.map((s: { score: number }) => s.score)).toEqual([0.9, 0.85, 0.8, 0.75]);
    await waitFor(() => call('rerank').aborted);
  });

  it('rerank failing → retrieval order, marked', async () => {
    origin.setFaults('rerank', { status: 500 });
    const { res } = await answer();
    expect(res.headers.get('x-gateway-degraded')).toBe('rerank:error');
  });

  it('retrieval late → answered without context, told so, retrieval aborted at the origin', async () => {
    origin.setFaults('retrieve', { latencyMs: 3000 });
    const { res, json } = await answer();
    expect(res.headers.get('x-gateway-degraded')).toBe('retrieval:timeout');
    expect(json.gateway.sources).toEqual([]);
    expect(systemSent().content).toContain('Retrieved context is unavailable');
    expect(json.choices[0]!.message.content.length).toBeGreaterThan(0);
    await waitFor(() => call('retrieve').aborted);
  });

  it('retrieval failing (500) → answered without context, marked', async () => {
    origin.setFaults('retrieve', { status: 500 });
    const { res } = await answer();
    expect(res.headers.get('x-gateway-degraded')).toBe('retrieval:error');
    expect(systemSent().content).toContain('Retrieved context is unavailable');
  });

  it('tool late → its result marked unavailable in the prompt, tool call aborted at the origin', async () => {
    origin.setFaults('tools/search', { latencyMs: 3000 });
    const { res } = await answer();
    expect(res.headers.get('x-gateway-degraded')).toBe('tool:search:timeout');
    expect(systemSent().content).toMatch(/### search\nUnavailable: the tool did not answer in time/);
    await waitFor(() => call('tools/search').aborted);
  });

  it('tool failing (500) → marked unavailable, the other tool still used', async () => {
    origin.setFaults('tools/search', { status: 500 });
    const { res } = await answer({ gateway: { tools: [{ name: 'search', arguments: {} }, { name: 'weather', arguments: { city: 'Oslo' } }] } });
    expect(res.headers.get('x-gateway-degraded')).toBe('tool:search:error');
    expect(systemSent().content).toMatch(/### search\nUnavailable: the tool failed/);
    expect(systemSent().content).toMatch(/### weather\n\{"tool":"weather"/);
  });

  it('a stream carries the degraded stages in its metadata', async () => {
    origin.setFaults('tools/search', { status: 500 });
    const events = jsonEvents(await new FrameReader(await chat(gateway.url, { stream: true, gateway: RAG })).rest());
    const degraded = events.filter((e) => e.gateway?.degraded).map((e) => e.gateway.degraded);
    expect(degraded.at(-1)).toEqual(['tool:search:error']);
  });
});

describe('required stages', () => {
  let strict: Gateway;
  beforeAll(async () => {
    strict = await startGateway(config({ retrieval: { required: true }, tools: { required: ['search'] } }), TEST_BINDINGS);
  });
  afterAll(() => strict?.close());

  it('retrieval required and late → 504 retrieval_timeout; the tool call is cancelled too', async () => {
    origin.setFaults('retrieve', { latencyMs: 3000 });
    origin.setFaults('tools/search', { latencyMs: 3000 });
    const res = await chat(strict.url, { gateway: RAG });
    expect(res.status).toBe(504);
    expect(((await res.json()) as any).error.code).toBe('retrieval_timeout');
    expect(provider.calls).toEqual([]);
    await waitFor(() => call('retrieve').aborted && call('tools/search').aborted);
  });

  it('a required tool failing → 502 tool_failed; on a stream, the final error event', async () => {
    origin.setFaults('tools/search', { status: 500 });
    const res = await chat(strict.url, { gateway: RAG });
    expect(res.status).toBe(502);
    expect(((await res.json()) as any).error.code).toBe('tool_failed');
    const events = jsonEvents(await new FrameReader(await chat(strict.url, { stream: true, gateway: RAG })).rest());
    expect(events.at(-1)!.error).toMatchObject({ code: 'tool_failed', status: 502 });
    expect(provider.calls).toEqual([]);
  });
});

describe('context budget and prompts', () => {
  it('packs retrieval into maxContextTokens, removes the duplicate, and counts the cut', async () => {
    const { json, res } = await answer({ gateway: { retrieval: { query: 'budget test', topK: 6, maxContextTokens: 250 } } });
    const system = systemSent().content;
    const ids = json.gateway.sources.map((s: { id: string }) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Math.ceil(system.slice(system.indexOf('## Context')).length / 4)).toBeLessThan(250 + 50);
    const id = res.headers.get('x-request-id');
    await waitFor(() => gateway.requestLogs().some((l) => l.request_id === id));
    const log = gateway.requestLogs().find((l) => l.request_id === id)!;
    expect(log.context_duplicates).toBe(1);
    expect(log.context_cut).toBeGreaterThan(0);
    expect(log).toMatchObject({ index_version: 'idx-2026-11-01', embedding_model: 'sim-embed-1', retrieval_query_chars: 'budget test'.length });
  });

  it('the fingerprint changes when, and only when, the rendered prompt changes', async () => {
    const prompt = (product: string) => ({ gateway: { prompt: { id: 'rag-answer', version: '2', variables: { product } } } });
    const a = (await answer(prompt('Acme'))).json.gateway.prompt;
    const again = (await answer({ ...prompt('Acme'), temperature: 0.3 })).json.gateway.prompt;
    const other = (await answer(prompt('Globex'))).json.gateway.prompt;
    expect(a).toMatchObject({ id: 'rag-answer', version: '2', fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(again.fingerprint).toBe(a.fingerprint);
    expect(other.fingerprint).not.toBe(a.fingerprint);
  });

  it('puts prompt id, version and fingerprint in the log line', async () => {
    const { res, json } = await answer({ gateway: { ...RAG, prompt: { id: 'rag-answer', version: '1' } } });
    const id = res.headers.get('x-request-id');
    await waitFor(() => gateway.requestLogs().some((l) => l.request_id === id));
    expect(gateway.requestLogs().find((l) => l.request_id === id)).toMatchObject({
      prompt_id: 'rag-answer',
      prompt_version: '1',
      prompt_fingerprint: json.gateway.prompt.fingerprint,
    });
  });

  it('an unknown prompt or a missing variable is a 4xx before anything streams', async () => {
    const unknown = await chat(gateway.url, { stream: true, gateway: { prompt: { id: 'nope' } } });
    expect(unknown.status).toBe(404);
    const missing = await chat(gateway.url, { stream: true, gateway: { prompt: { id: 'rag-answer', version: '2' } } });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as any).error.param).toBe('gateway.prompt.variables.product');
  });
});

describe('stream order, read with the openai SDK', () => {
  it('first chunk, then sources, then content, then usage — sources before the first token', async () => {
    origin.setFaults('tools/search', { latencyMs: 200 });
    const client = new OpenAI({ apiKey: TENANT_KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    // The gateway extension is not part of OpenAI's types; the SDK sends it as given.
    const params = {
      model: 'sim-small',
      messages: [{ role: 'user', content: 'How do breakers work?' }],
      stream: true,
      stream_options: { include_usage: true },
      gateway: RAG,
    } as OpenAI.ChatCompletionCreateParamsStreaming;
    const stream = await client.chat.completions.create(params);
    const kinds: string[] = [];
    for await (const chunk of stream) {
      const extra = (chunk as unknown as { gateway?: Record<string, unknown> }).gateway;
      if (chunk.choices[0]?.delta.role) kinds.push('role');
      else if (extra?.sources) kinds.push('sources');
      else if (chunk.choices[0]?.delta.content) kinds.push('content');
      else if (chunk.usage) kinds.push('usage');
    }
    const first = (k: string) => kinds.indexOf(k);
    expect(first('role')).toBe(0);
    expect(first('sources')).toBe(1);
    expect(first('content')).toBeGreaterThan(first('sources'));
    expect(kinds.at(-1)).toBe('usage');
  });
});

describe('retrieval cache', () => {
  let cached: Gateway;
  beforeAll(async () => {
    cached = await startGateway(config({ cache: { retrievalTtlSeconds: 60 } }), TEST_BINDINGS);
  });
  afterAll(() => cached?.close());

  it('a repeated intent skips the origin, even phrased differently and with another prompt around it', async () => {
    const q = `Rotate my API key ${Date.now()}`;
    const first = await chat(cached.url, { gateway: { retrieval: { query: q } } });
    expect(first.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    const again = await chat(cached.url, {
      messages: [{ role: 'user', content: 'a different question around the same search' }],
      gateway: { retrieval: { query: `  ${q.toUpperCase()}?  ` } },
    });
    expect(again.status).toBe(200);
    expect(origin.calls.filter((c) => c.route === 'retrieve')).toHaveLength(1);
    const id = again.headers.get('x-request-id');
    await expect.poll(() => cached.requestLogs().find((l) => l.request_id === id)?.retrieval_cache).toBe('hit-memory');
    // Another tenant's identical search does not read it.
    const other = await chat(cached.url, { gateway: { retrieval: { query: q } } }, { key: OTHER_TENANT_KEY });
    expect(other.status).toBe(200);
    expect(origin.calls.filter((c) => c.route === 'retrieve')).toHaveLength(2);
  });
});
