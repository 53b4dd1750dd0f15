// Every error row of the skeleton (design §2): real status and an OpenAI-style body with a code and
// the request id before the stream starts; a final error event once it has; never a hang.
import http from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../sim/provider.ts';
import { simAnswer } from '../sim/text.ts';
import { ADMIN_TOKEN, OTHER_TENANT_KEY, TENANT_KEY, TEST_BINDINGS, testConfig } from './harness/config.ts';
import { expectError } from './harness/expect.ts';
import { startGateway, type Gateway } from './harness/gateway.ts';
import { chat, MESSAGES } from './harness/requests.ts';
import { FrameReader, jsonEvents } from './harness/sse.ts';

let provider: SimProvider;
let gateway: Gateway;
let config: Record<string, any>;
const BUDGETS = { firstTokenMs: 400, idleMs: 300, totalMs: 1500 };

beforeAll(async () => {
  provider = await startProvider();
  config = testConfig({ providerUrl: provider.url, budgets: BUDGETS, maxBodyBytes: 4096 });
  // One attempt per request: this suite checks how one upstream failure is mapped; retries,
  // breakers and fallbacks have their own suite (test/resilience.test.ts).
  config.resilience = { retry: { maxAttempts: 1 } };
  // A model whose only endpoint refuses connections (nothing listens on port 9 here).
  config.models.push({ ...config.models[0]!, id: 'sim-dead', endpoints: [{ id: 'dead', baseUrl: 'http://127.0.0.1:9/v1', apiKeyEnv: 'EAST_KEY' }] });
  gateway = await startGateway(config, TEST_BINDINGS);
});
afterAll(async () => {
  await gateway?.close();
  await provider?.close();
});
beforeEach(() => {
  provider.reset();
  provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0 });
});

/** Asserts the OpenAI-style error shape and that its request id is the response's. */

/** Streams with the official SDK and returns what it yielded and what it threw. */
async function sdkStream(body: Record<string, unknown> = {}) {
  const client = new OpenAI({ apiKey: TENANT_KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  let text = '';
  try {
    const stream = await client.chat.completions.create({ model: 'sim-small', messages: MESSAGES as OpenAI.ChatCompletionMessageParam[], stream: true, ...body });
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    return { text, error: undefined };
  } catch (error) {
    return { text, error: error as Error };
  }
}

describe('client errors, before anything is streamed', () => {
  it('malformed JSON → 400 invalid_json', async () => {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TENANT_KEY}`, 'content-type': 'application/json' },
      body: '{"model": "sim-small", "messages": [',
    });
    await expectError(res, 400, 'invalid_json');
  });

  it('schema-invalid body → 400 naming the field', async () => {
    const err = await expectError(await chat(gateway.url, { messages: [{ role: 'wizard', content: 'hi' }] }), 400, 'invalid_request');
    expect(err.param).toBe('messages[0].role');
    expect(err.message).toContain('messages[0].role');
    const missing = await expectError(await chat(gateway.url, { messages: undefined }), 400, 'invalid_request');
    expect(missing.param).toBe('messages');
    const ext = await expectError(await chat(gateway.url, { gateway: { priority: 'urgent' } }), 400, 'invalid_request');
    expect(ext.param).toBe('gateway.priority');
    const temp = await expectError(await chat(gateway.url, { temperature: 9 }), 400, 'invalid_request');
    expect(temp.param).toBe('temperature');
  });

  it('body over the limit → 413, by Content-Length, before reading it', async () => {
    await expectError(await chat(gateway.url, { padding: 'x'.repeat(5000) }), 413, 'request_too_large');
    expect(provider.calls).toHaveLength(0);
  });

  it('chunked body over the limit → 413 while the body is still coming', async () => {
    // An unfinished chunked upload, twice the limit so far: a server that buffered the whole body
    // before deciding would never answer (the test would time out). node:http, so the answer can
    // be read while the upload is still open; we stop writing so the socket stays writable.
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(new URL(`${gateway.url}/v1/chat/completions`), {
        method: 'POST',
        headers: { authorization: `Bearer ${TENANT_KEY}`, 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        res.on('error', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
      req.write(Buffer.alloc(8192, 32)); // maxBodyBytes is 4096 in this suite
    });
    expect(status).toBe(413);
    expect(JSON.parse(body).error.code).toBe('request_too_large');
  });

  it('unknown model → 404 model_not_found; a model outside the tenant → 403', async () => {
    await expectError(await chat(gateway.url, { model: 'gpt-nonexistent' }), 404, 'model_not_found');
    await expectError(await chat(gateway.url, { model: 'sim-large' }, { key: OTHER_TENANT_KEY }), 403, 'model_not_allowed');
    expect(provider.calls).toHaveLength(0);
  });

  it('missing and unknown keys get the same 401', async () => {
    const missing = await expectError(await chat(gateway.url, {}, { key: null }), 401, 'invalid_api_key');
    const wrong = await expectError(await chat(gateway.url, {}, { key: 'sk-not-a-real-key' }), 401, 'invalid_api_key');
    const basic = await expectError(await chat(gateway.url, {}, { key: null, headers: { authorization: 'Basic Zm9vOmJhcg==' } }), 401, 'invalid_api_key');
    const strip = (e: Record<string, unknown>) => ({ ...e, request_id: undefined });
    expect(strip(missing)).toEqual(strip(wrong));
    expect(strip(basic)).toEqual(strip(wrong));
  });

  it('unknown route → 404 with the request id', async () => {
    const res = await fetch(`${gateway.url}/v1/nope`, { method: 'POST', headers: { authorization: `Bearer ${TENANT_KEY}` } });
    await expectError(res, 404, 'not_found');
  });
});

/** A fresh isolate: no breaker opened or Retry-After honoured by an earlier test. */
const freshIsolate = () => gateway.setConfig(config, TEST_BINDINGS);

describe('upstream errors, non-stream: the status mapped', () => {
  beforeEach(freshIsolate);
  const cases: Array<[string, Record<string, unknown>, number, string]> = [
    ['400 (the client’s fault) keeps its status and the provider’s code', { status: 400 }, 400, 'invalid_request'],
    ['401 (the operator’s key) becomes 502', { status: 401 }, 502, 'upstream_auth_failed'],
    ['404 (model unknown upstream) becomes 502', { status: 404 }, 502, 'upstream_model_not_found'],
    ['429 stays 429 with Retry-After', { status: 429, retryAfter: 7 }, 429, 'upstream_rate_limited'],
    ['500 becomes 502', { status: 500 }, 502, 'upstream_error'],
    ['503 stays 503 with Retry-After', { status: 503, retryAfter: 3 }, 503, 'upstream_unavailable'],
  ];
  for (const [name, faults, status, code] of cases) {
    it(name, async () => {
      provider.setFaults('east', faults);
      const res = await chat(gateway.url, {});
      await expectError(res, status, code);
      if (faults.retryAfter) expect(res.headers.get('retry-after')).toBe(String(faults.retryAfter));
    });
  }

  it('unreachable endpoint → 502 upstream_unreachable', async () => {
    await expectError(await chat(gateway.url, { model: 'sim-dead' }), 502, 'upstream_unreachable');
  });

  it('upstream hang → 504 upstream_timeout after firstTokenMs, and the upstream call is cancelled', async () => {
    provider.setFaults('east', { hang: true });
    await expectError(await chat(gateway.url, {}), 504, 'upstream_timeout');
    await expect.poll(() => provider.calls[0]?.aborted).toBe(true);
  });

  it('upstream stalls mid-answer → 504 by the idle deadline (idleMs holds for JSON answers too), not a hang', async () => {
    provider.setFaults('east', { stallAfterTokens: 3, firstTokenMs: 1, interTokenMs: 0 });
    // upstream_timeout is the idle deadline (300 ms); the total one (1.5 s) would be deadline_exceeded.
    await expectError(await chat(gateway.url, {}), 504, 'upstream_timeout');
    await expect.poll(() => provider.calls[0]?.aborted).toBe(true);
  });

  it('upstream cut mid-answer → 502 upstream_stream_error', async () => {
    provider.setFaults('east', { cutAfterTokens: 3, firstTokenMs: 1, interTokenMs: 0 });
    await expectError(await chat(gateway.url, {}), 502, 'upstream_stream_error');
  });
});

describe('upstream errors once the stream has started: a final error event the SDK raises', () => {
  beforeEach(freshIsolate);
  it('upstream 500 → error event; the SDK throws', async () => {
    provider.setFaults('east', { status: 500 });
    const { text, error } = await sdkStream();
    expect(text).toBe('');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error!.message).toContain('model provider failed');
  });

  it('the raw stream: role chunk, then one error event with code, status and request id, then the end', async () => {
    provider.setFaults('east', { status: 429, retryAfter: 2 });
    const res = await chat(gateway.url, { stream: true });
    expect(res.status).toBe(200);
    const frames = await new FrameReader(res).rest();
    const events = jsonEvents(frames);
    expect(events).toHaveLength(2);
    expect(events[0]!.choices[0].delta.role).toBe('assistant');
    expect(events[1]).toEqual({
      error: expect.objectContaining({ code: 'upstream_rate_limited', status: 429, request_id: res.headers.get('x-request-id') }),
    });
    expect(frames.some((f) => f.data === '[DONE]')).toBe(false);
  });

  it('upstream hang → error event after firstTokenMs', async () => {
    provider.setFaults('east', { hang: true });
    const { error } = await sdkStream();
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error!.message).toContain('first token');
    await expect.poll(() => provider.calls[0]?.aborted).toBe(true);
  });

  it('stall mid-stream → the tokens so far, then an error event after idleMs', async () => {
    provider.setFaults('east', { stallAfterTokens: 4, firstTokenMs: 1, interTokenMs: 0 });
    const { text, error } = await sdkStream();
    expect(text).toBe(simAnswer('sim-small', MESSAGES).tokens.slice(0, 4).join(''));
    expect(error).toBeInstanceOf(OpenAI.APIError);
  });

  it('cut mid-stream → the tokens so far, then an error event, then the end', async () => {
    provider.setFaults('east', { cutAfterTokens: 5, firstTokenMs: 1, interTokenMs: 0 });
    const { text, error } = await sdkStream();
    expect(text).toBe(simAnswer('sim-small', MESSAGES).tokens.slice(0, 5).join(''));
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error!.message).toContain('stream failed');
  });

  it('a malformed upstream event is skipped and counted; the answer completes', async () => {
    provider.setFaults('east', { malformedAfterTokens: 2, firstTokenMs: 1, interTokenMs: 0 });
    const { text, error } = await sdkStream();
    expect(error).toBeUndefined();
    expect(text).toBe(simAnswer('sim-small', MESSAGES).text);
    await expect.poll(() => gateway.requestLogs().some((l) => l.upstream_malformed_events === 1)).toBe(true);
  });
});

describe('trace context', () => {
  it('continues an incoming traceparent and propagates it to the provider', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await chat(gateway.url, {}, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    expect(res.status).toBe(200);
    const out = res.headers.get('traceparent')!;
    expect(out).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(out).not.toContain('00f067aa0ba902b7');
    // The provider gets the same trace, from the attempt's own span (a child of the response's).
    const sent = provider.calls[0]!.traceparent!;
    expect(sent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(sent).not.toBe(out);
  });

  it('starts a new trace for a missing or invalid traceparent', async () => {
    const res = await chat(gateway.url, {}, { headers: { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' } });
    expect(res.headers.get('traceparent')).toMatch(/^00-(?!0{32})[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});

describe('configuration errors', () => {
  it('a bad config → 500 config_invalid naming the field on requests and /admin/health; /healthz says only config_invalid', async () => {
    const bad = testConfig({ providerUrl: provider.url }) as any;
    bad.models[1].endpoints[0].baseUrl = 'not a url';
    const broken = await startGateway(bad, TEST_BINDINGS);
    try {
      const health = await fetch(`${broken.url}/healthz`);
      expect([health.status, await health.json()]).toEqual([500, { status: 'config_invalid' }]);
      const admin = await fetch(`${broken.url}/admin/health`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(admin.status).toBe(500);
      expect(((await admin.json()) as { config_error: string }).config_error).toContain('models[1].endpoints[0].baseUrl');
      const req = await expectError(await chat(broken.url, {}), 500, 'config_invalid');
      expect(req.message).toContain('models[1].endpoints[0].baseUrl');
    } finally {
      await broken.close();
    }
  });
});
