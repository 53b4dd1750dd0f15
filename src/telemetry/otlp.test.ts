import { describe, expect, it } from 'vitest';
import { chatRequestAttrs, chatResponseAttrs } from './genai';
import { encodeTrace, exportRequest, otlpAttributes, unixNano } from './otlp';
import { otlpConfig, parseOtlpHeaders } from './otlp-env';
import { Trace } from './trace';

/** A trace on a clock the test moves. */
function clocked(traceparent?: string) {
  let now = 1_700_000_000_000;
  const trace = new Trace(traceparent, () => now);
  return { trace, tick: (ms: number) => void (now += ms) };
}

const attr = (span: { attributes: Array<{ key: string; value: unknown }> }, key: string) => span.attributes.find((a) => a.key === key)?.value;

describe('OTLP encoding', () => {
  it('encodes values by type: strings, booleans, int64 as strings, doubles, money always double', () => {
    expect(otlpAttributes({ s: 'x', b: false, i: 42, d: 0.5, cost_usd: 0, n: Number.NaN })).toEqual([
      { key: 's', value: { stringValue: 'x' } },
      { key: 'b', value: { boolValue: false } },
      { key: 'i', value: { intValue: '42' } },
      { key: 'd', value: { doubleValue: 0.5 } },
      { key: 'cost_usd', value: { doubleValue: 0 } },
    ]);
  });

  it('keeps sampling parameters doubles when they are whole', () => {
    expect(otlpAttributes({ 'gen_ai.request.temperature': 0, 'gen_ai.request.top_p': 1, 'gen_ai.request.max_tokens': 64 })).toEqual([
      { key: 'gen_ai.request.temperature', value: { doubleValue: 0 } },
      { key: 'gen_ai.request.top_p', value: { doubleValue: 1 } },
      { key: 'gen_ai.request.max_tokens', value: { intValue: '64' } },
    ]);
  });

  it('writes times as unix-nano strings', () => {
    expect(unixNano(1_700_000_000_123)).toBe('1700000000123000000');
    expect(unixNano(1.5)).toBe('1500000');
  });

  it('a SERVER root continuing the caller, stage spans under it, error status, unfinished spans clipped', () => {
    const { trace, tick } = clocked('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    trace.set('method', 'POST');
    trace.set('path', '/v1/chat/completions');
    trace.set('tenant', 'acme');
    trace.set('cost_usd', 0.000012);
    const auth = trace.span('auth');
    tick(2);
    auth();
    const provider = trace.span('provider');
    const attempt = trace.span('chat m', { parent: provider, kind: 'client' });
    attempt.set({ 'gen_ai.request.model': 'm' });
    tick(5);
    attempt.fail('upstream_error', { status: 500 });
    trace.span('never ended');
    tick(3);
    provider();
    trace.status = 200;
    trace.finish();
    tick(100); // after the response: not the root's time

    const [root, ...spans] = encodeTrace(trace);
    expect(root).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: trace.context.spanId,
      parentSpanId: '00f067aa0ba902b7',
      name: 'POST /v1/chat/completions',
      kind: 2,
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000000010000000',
    });
    expect(root!.status).toBeUndefined();
    expect(attr(root!, 'gateway.tenant')).toEqual({ stringValue: 'acme' });
    expect(attr(root!, 'gateway.cost_usd')).toEqual({ doubleValue: 0.000012 });
    expect(attr(root!, 'http.request.method')).toEqual({ stringValue: 'POST' });
    expect(attr(root!, 'http.response.status_code')).toEqual({ intValue: '200' });

    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    expect(byName.auth).toMatchObject({ kind: 1, parentSpanId: trace.context.spanId, endTimeUnixNano: '1700000000002000000' });
    expect(byName['chat m']).toMatchObject({ kind: 3, parentSpanId: byName.provider!.spanId, status: { code: 2, message: 'upstream_error' } });
    // Our bare attribute names get the gateway namespace; namespaced ones are kept.
    expect(attr(byName['chat m']!, 'gateway.status')).toEqual({ intValue: '500' });
    expect(attr(byName['chat m']!, 'gen_ai.request.model')).toEqual({ stringValue: 'm' });
    expect(byName['never ended']).toMatchObject({ endTimeUnixNano: root!.endTimeUnixNano });
    expect(attr(byName['never ended']!, 'gateway.unfinished')).toEqual({ boolValue: true });
  });

  it('a 5xx root is an error, a 4xx is not; an unmatched route is named by its method only', () => {
    const { trace } = clocked();
    trace.set('method', 'GET');
    trace.set('path', '/nope/123');
    trace.status = 404;
    trace.errorCode = 'route_not_found';
    const [root] = encodeTrace(trace);
    expect(root).toMatchObject({ name: 'GET' });
    expect(root!.status).toBeUndefined();
    expect(root!.parentSpanId).toBeUndefined();
    expect(attr(root!, 'error.type')).toEqual({ stringValue: 'route_not_found' });
    trace.status = 502;
    expect(encodeTrace(trace)[0]!.status).toEqual({ code: 2, message: 'route_not_found' });
  });

  it('wraps spans in one resource and scope', () => {
    const body = exportRequest([], { 'service.name': 'gw' });
    expect(body.resourceSpans[0]!.resource.attributes).toEqual([{ key: 'service.name', value: { stringValue: 'gw' } }]);
    expect(body.resourceSpans[0]!.scopeSpans[0]!.scope.name).toBe('edge-llm-gateway');
  });
});

describe('GenAI attributes', () => {
  it('names the operation, provider, model, server and request parameters', () => {
    expect(chatRequestAttrs({ provider: 'openai', upstreamModel: 'gpt-x', url: 'https://api.example.com/v1/chat/completions' }, { max_tokens: 64, temperature: 0.2, messages: [{ content: 'secret' }] })).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-x',
      'server.address': 'api.example.com',
      'server.port': 443,
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.temperature': 0.2,
    });
  });

  it('takes usage with its cache-read and reasoning details', () => {
    const usage = { prompt_tokens: 10, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 3 } };
    expect(chatResponseAttrs({ model: 'gpt-x-2024', id: 'chatcmpl-1', usage })).toEqual({
      'gen_ai.response.model': 'gpt-x-2024',
      'gen_ai.response.id': 'chatcmpl-1',
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 7,
      'gen_ai.usage.cache_read.input_tokens': 4,
      'gen_ai.usage.reasoning.output_tokens': 3,
    });
    expect(chatResponseAttrs({ usage: { prompt_tokens: 1, completion_tokens: 2, prompt_tokens_details: null } })).toEqual({ 'gen_ai.usage.input_tokens': 1, 'gen_ai.usage.output_tokens': 2 });
  });
});

describe('OTEL_EXPORTER_OTLP_HEADERS', () => {
  it('parses k=v pairs, trimmed and URL-decoded, splitting at the first =', () => {
    expect(parseOtlpHeaders(' api-key = abc%3D%3D ,Authorization=Bearer%20t0k=n,x-empty=')).toEqual({ 'api-key': 'abc==', authorization: 'Bearer t0k=n', 'x-empty': '' });
  });

  it('skips entries without a key, with a bad name or a bad escape', () => {
    expect(parseOtlpHeaders('novalue,=v,bad name=1,ok=1,pct=%E0%A4%A,crlf=a%0d%0ab')).toEqual({ ok: '1' });
    expect(parseOtlpHeaders(undefined)).toEqual({});
  });
});

describe('otlpConfig', () => {
  it('is off without an endpoint; appends /v1/traces; bounds the timeout', () => {
    expect(otlpConfig({})).toBeUndefined();
    expect(otlpConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      ok: true,
      target: { url: 'http://collector:4318/v1/traces', headers: {}, timeoutMs: 2000, serviceName: 'edge-llm-gateway' },
    });
    expect(otlpConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://c.example/otlp', OTEL_EXPORTER_OTLP_TIMEOUT: '99999' })).toMatchObject({ target: { url: 'https://c.example/otlp/v1/traces', timeoutMs: 10_000 } });
  });

  it('names a bad endpoint without echoing it', () => {
    expect(otlpConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toEqual({ ok: false, error: 'OTEL_EXPORTER_OTLP_ENDPOINT is not a URL' });
    expect(otlpConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://c.example' })).toMatchObject({ ok: false });
  });
});
