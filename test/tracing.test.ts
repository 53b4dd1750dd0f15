// Traces exported as OTLP/HTTP JSON to a collector the test runs: the span tree of one request
// (stages, fan-out, failover attempts as sibling CLIENT spans with the GenAI attributes), the
// traceparent sent on, and an export that never costs a request anything when the collector is
// down or silent — counted in /admin/health instead.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOrigin, type SimOrigin } from '../sim/origin.ts';
import { startProvider, type SimProvider } from '../sim/provider.ts';
import { waitFor } from '../sim/testing.ts';
import type { OtlpSpan } from '../src/telemetry/otlp';
import { ADMIN_TOKEN, TEST_BINDINGS, testConfig } from './harness/config.ts';
import { startGateway, type Gateway } from './harness/gateway.ts';
import { chat } from './harness/requests.ts';

/** A test OTLP collector: records `POST /v1/traces` bodies; refuses those without the expected header. */
interface Collector {
  url: string;
  spans: OtlpSpan[];
  posts: Array<{ path: string; apiKey?: string }>;
  close(): Promise<void>;
}

const COLLECTOR_KEY = 'otlp-key/with=special chars';

async function startCollector(mode: 'ok' | 'silent' = 'ok'): Promise<Collector> {
  const spans: OtlpSpan[] = [];
  const posts: Collector['posts'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      posts.push({ path: req.url ?? '', apiKey: req.headers['x-api-key'] as string | undefined });
      if (mode === 'silent') return; // accepts, never answers
      if (req.method !== 'POST' || req.url !== '/v1/traces' || req.headers['x-api-key'] !== COLLECTOR_KEY) {
        res.writeHead(401).end();
        return;
      }
      const json = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
      for (const rs of json.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    posts,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** The collector's headers as the standard variable writes them: `k=v`, the value URL-encoded. */
const otelBindings = (endpoint: string) => ({
  ...TEST_BINDINGS,
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  OTEL_EXPORTER_OTLP_HEADERS: `x-api-key=${encodeURIComponent(COLLECTOR_KEY)}`,
  OTEL_EXPORTER_OTLP_TIMEOUT: '300',
});

let provider: SimProvider;
let origin: SimOrigin;
let collector: Collector;
let gateway: Gateway;

/** sim-small with two endpoints on one provider scope: failFirst there fails whichever is tried first. */
function config() {
  const base = testConfig({ providerUrl: provider.url, originUrl: origin.url, budgets: { retrievalMs: 2000, toolsMs: 2000, rerankMs: 2000, firstTokenMs: 5000 } });
  const small = base.models[0];
  small.endpoints = [
    { id: 'east', baseUrl: `${provider.url}/s/east/v1`, apiKeyEnv: 'EAST_KEY' },
    { id: 'east-2', baseUrl: `${provider.url}/s/east/v1`, apiKeyEnv: 'EAST_KEY' },
  ];
  return { ...base, retrieval: { rerank: true }, cache: { retrievalTtlSeconds: 0 } };
}

beforeAll(async () => {
  provider = await startProvider();
  origin = await startOrigin();
  collector = await startCollector();
  gateway = await startGateway(config(), otelBindings(collector.url));
});
afterAll(async () => {
  await gateway?.close();
  await collector?.close();
  await origin?.close();
  await provider?.close();
});
beforeEach(() => {
  provider.reset();
  origin.reset();
});

const attrs = (s: OtlpSpan): Record<string, unknown> =>
  Object.fromEntries(s.attributes.map((a) => [a.key, Object.values(a.value)[0]]));
const ns = (s: OtlpSpan, edge: 'start' | 'end') => BigInt(edge === 'start' ? s.startTimeUnixNano : s.endTimeUnixNano);

async function adminHealth(): Promise<{ tracing: Record<string, number | boolean> }> {
  const res = await fetch(`${gateway.url}/admin/health`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return (await res.json()) as { tracing: Record<string, number | boolean> };
}

describe('one trace per request', () => {
  const QUESTION = 'Which stage of the gateway span tree is slowest today?';
  const QUERY = 'private retrieval words';
  const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c';
  const CALLER_SPAN = 'b7ad6b7169203331';

  it('exports the span tree: stages, fan-out, failover attempts as sibling CLIENT spans, GenAI and gateway attributes', async () => {
    provider.setFaults('east', { status: 500, failFirst: 1, firstTokenMs: 1, interTokenMs: 0 });
    const res = await chat(
      gateway.url,
      // temperature 0: a cacheable request, so the cache is read and written.
      { temperature: 0, messages: [{ role: 'user', content: QUESTION }], gateway: { retrieval: { query: QUERY }, tools: [{ name: 'search', arguments: { q: QUERY } }], prompt: { id: 'rag-answer', version: '1' } } },
      { headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`, 'idempotency-key': `trace-${Date.now()}` } },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    const traceId = res.headers.get('traceparent')!.split('-')[1]!;
    const rootId = res.headers.get('traceparent')!.split('-')[2]!;
    expect(traceId).toBe(CALLER_TRACE);

    // The export waits for the cache write (off the response's path) before it sends the trace.
    await waitFor(() => collector.spans.some((s) => s.traceId === traceId && s.kind === 2), 5000);
    const spans = collector.spans.filter((s) => s.traceId === traceId);
    expect(collector.posts.every((p) => p.path === '/v1/traces' && p.apiKey === COLLECTOR_KEY)).toBe(true);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const named = (name: string) => spans.filter((s) => s.name === name);
    const one = (name: string) => {
      expect(named(name), name).toHaveLength(1);
      return named(name)[0]!;
    };
    const childrenOf = (s: OtlpSpan) => spans.filter((c) => c.parentSpanId === s.spanId).map((c) => c.name).sort();

    // The SERVER root: the response's traceparent span, continuing the caller's span.
    const root = one('POST /v1/chat/completions');
    expect(root).toMatchObject({ spanId: rootId, parentSpanId: CALLER_SPAN, kind: 2 });
    expect(root.status).toBeUndefined();
    expect(attrs(root)).toMatchObject({
      'gateway.tenant': 'acme',
      'gateway.endpoint': expect.stringMatching(/^east(-2)?$/),
      'gateway.cost_usd': Number(res.headers.get('x-gateway-cost-usd')),
      'gateway.cache': 'miss',
      'gateway.prompt_fingerprint': expect.any(String),
      'gateway.request_id': res.headers.get('x-request-id'),
      'http.response.status_code': '200',
    });

    // A child per stage, under the root.
    expect(childrenOf(root)).toEqual(['auth', 'cache', 'cache_write', 'fanout', 'idempotency', 'provider', 'ratelimit', 'route', 'validate']);
    expect(childrenOf(one('fanout'))).toEqual(['execute_tool search', 'rerank', 'retrieval']);
    expect(childrenOf(one('cache'))).toEqual(expect.arrayContaining(['cache memory', 'cache kv']));
    expect(attrs(one('execute_tool search'))).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search', 'gateway.outcome': 'ok' });

    // Two attempts, siblings under `provider`: the first failed (500 → upstream_error), the second served.
    const attempts = named('chat sim-small').sort((a, b) => Number(ns(a, 'start') - ns(b, 'start')));
    expect(attempts).toHaveLength(2);
    const [failed, served] = attempts as [OtlpSpan, OtlpSpan];
    for (const a of attempts) expect(a).toMatchObject({ kind: 3, parentSpanId: one('provider').spanId });
    expect(failed.status).toEqual({ code: 2, message: 'upstream_error' });
    expect(served.status).toBeUndefined();
    expect(ns(failed, 'end')).toBeLessThanOrEqual(ns(served, 'start'));
    expect(attrs(failed)).toMatchObject({ 'error.type': 'upstream_error', 'gateway.attempt': '1', 'gen_ai.request.model': 'sim-small' });
    expect(attrs(failed)['gateway.endpoint']).not.toBe(attrs(served)['gateway.endpoint']);
    expect(attrs(served)).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'sim-small',
      'gen_ai.response.model': 'sim-small',
      'gen_ai.usage.input_tokens': String(body.usage.prompt_tokens),
      'gen_ai.usage.output_tokens': String(body.usage.completion_tokens),
      'gateway.endpoint': attrs(root)['gateway.endpoint'],
      'gateway.attempt': '2',
      'gen_ai.request.temperature': 0,
      'gen_ai.prompt.name': 'rag-answer',
      'gen_ai.prompt.version': '1',
      'server.address': '127.0.0.1',
    });
    expect(childrenOf(served)).toEqual(['upstream_headers', 'upstream_stream']);

    // Every span has its parent in the trace, and (but the cache write, which may outlive the
    // response) lies within its parent's time.
    for (const s of spans) {
      if (s === root) continue;
      const parent = byId.get(s.parentSpanId!);
      expect(parent, `${s.name}'s parent`).toBeDefined();
      expect(s.traceId).toBe(traceId);
      expect(ns(s, 'start')).toBeGreaterThanOrEqual(ns(parent!, 'start'));
      expect(ns(s, 'end')).toBeGreaterThanOrEqual(ns(s, 'start'));
      if (s.name !== 'cache_write') expect(ns(s, 'end'), s.name).toBeLessThanOrEqual(ns(parent!, 'end'));
    }

    // The traceparent went on: to the provider from each attempt's span, to the origin from each stage's.
    expect(provider.calls.map((c) => c.traceparent)).toEqual(attempts.map((a) => `00-${traceId}-${a.spanId}-01`));
    const sent = (route: string) => origin.calls.find((c) => c.route === route)!.traceparent;
    expect(sent('retrieve')).toBe(`00-${traceId}-${one('retrieval').spanId}-01`);
    expect(sent('tools/search')).toBe(`00-${traceId}-${one('execute_tool search').spanId}-01`);

    // No user content without the tenant's logContent: neither the question nor the query.
    const exported = JSON.stringify(spans);
    expect(exported).not.toContain(QUESTION);
    expect(exported).not.toContain(QUERY);
    expect((await adminHealth()).tracing).toMatchObject({ enabled: true, failed: 0, dropped: 0 });
  });

  it('a stream gets its `stream` span, ended with the stream', async () => {
    provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0 });
    const res = await chat(gateway.url, { stream: true, messages: [{ role: 'user', content: 'stream me a trace' }] });
    await res.text();
    const traceId = res.headers.get('traceparent')!.split('-')[1]!;
    await waitFor(() => collector.spans.some((s) => s.traceId === traceId && s.name === 'stream'), 5000);
    const spans = collector.spans.filter((s) => s.traceId === traceId);
    const stream = spans.find((s) => s.name === 'stream')!;
    const root = spans.find((s) => s.kind === 2)!;
    expect(stream).toMatchObject({ parentSpanId: root.spanId, endTimeUnixNano: root.endTimeUnixNano });
    expect(attrs(stream)['gateway.outcome']).toBe('complete');
    expect(spans.filter((s) => s.name === 'chat sim-small')).toHaveLength(1);
  });
});

describe('an export that fails never fails a request', () => {
  async function requestsStillAnswer(n: number) {
    provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0 });
    for (let i = 0; i < n; i++) {
      const res = await chat(gateway.url, { stream: i % 2 === 1, messages: [{ role: 'user', content: `export trouble ${i} ${Date.now()}` }] });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toContain('"error"');
    }
  }

  /** /admin/health's tracing counters, once an export has failed (or after ~5 s of polling). */
  async function failedExports(): Promise<Record<string, number | boolean>> {
    let tracing = (await adminHealth()).tracing;
    for (let i = 0; i < 50 && !((tracing.failed as number) > 0); i++) {
      await new Promise((r) => setTimeout(r, 100));
      tracing = (await adminHealth()).tracing;
    }
    return tracing;
  }

  it('collector down (connection refused): answers stay 200, the lost spans are counted as failed', async () => {
    const closed = await startCollector();
    const url = closed.url;
    await closed.close();
    await gateway.setConfig(config(), otelBindings(url));
    await requestsStillAnswer(3);
    const tracing = await failedExports();
    expect(tracing).toMatchObject({ enabled: true, exported: 0 });
    expect(tracing.failed).toBeGreaterThan(0);
  });

  it('collector silent (never answers): answers stay 200, the export is cut at its deadline and counted', async () => {
    const silent = await startCollector('silent');
    try {
      await gateway.setConfig(config(), otelBindings(silent.url));
      await requestsStillAnswer(3);
      const tracing = await failedExports();
      expect(silent.posts.length).toBeGreaterThan(0);
      expect(tracing).toMatchObject({ enabled: true, exported: 0 });
      expect(tracing.failed).toBeGreaterThan(0);
    } finally {
      await silent.close();
    }
  });
});
