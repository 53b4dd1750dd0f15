// Stream early: headers and the first chunk reach the client while the upstream still holds its
// answer — proved by the sim holding the request until the test releases it, not by timing.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../sim/provider.ts';
import { waitFor } from '../sim/testing.ts';
import { simAnswer } from '../sim/text.ts';
import { TENANT_KEY, TEST_BINDINGS, testConfig } from './harness/config.ts';
import { startGateway, type Gateway } from './harness/gateway.ts';
import { chat, MESSAGES } from './harness/requests.ts';
import { FrameReader, jsonEvents } from './harness/sse.ts';

let provider: SimProvider;
let gateway: Gateway;

beforeAll(async () => {
  provider = await startProvider();
  gateway = await startGateway(testConfig({ providerUrl: provider.url, budgets: { heartbeatMs: 50, firstTokenMs: 15000, totalMs: 20000 } }), TEST_BINDINGS);
});
afterAll(async () => {
  await gateway?.close();
  await provider?.close();
});
beforeEach(() => {
  provider.reset();
  provider.setFaults('east', { hold: true, firstTokenMs: 1, interTokenMs: 0 });
});

/** No upstream response has started: every call the sim got (if any yet) is still unanswered. */
function expectUpstreamSilent() {
  expect(provider.calls.filter((c) => c.headersAt !== undefined || c.status !== 0)).toEqual([]);
}

describe('stream early', () => {
  it('sends headers and the role chunk before the upstream has answered', async () => {
    const res = await chat(gateway.url, { stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = new FrameReader(res);
    const first = await frames.next();
    // The upstream has not answered (it cannot: it holds until released, below).
    expectUpstreamSilent();
    await waitFor(() => provider.heldCount('east') === 1);
    const chunk = JSON.parse(first!.data!);
    expect(chunk.object).toBe('chat.completion.chunk');
    expect(chunk.choices[0].delta).toEqual({ role: 'assistant' });
    expect(chunk.gateway.request_id).toBe(res.headers.get('x-request-id'));

    provider.release('east');
    const rest = await frames.rest();
    expect(rest.at(-1)!.data).toBe('[DONE]');
    const text = jsonEvents(rest).map((e) => e.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe(simAnswer('sim-small', MESSAGES).text);
  });

  it('keeps a quiet stream alive with SSE comment heartbeats', async () => {
    const frames = new FrameReader(await chat(gateway.url, { stream: true }));
    await frames.next(); // role chunk
    const second = await frames.next();
    expect(second).toEqual({ comment: 'keep-alive' });
    expectUpstreamSilent();
    await waitFor(() => provider.heldCount('east') === 1);
    provider.release('east');
    const rest = await frames.rest();
    expect(rest.at(-1)!.data).toBe('[DONE]');
  });

  it('the openai SDK yields the first chunk while the upstream is held', async () => {
    const client = new OpenAI({ apiKey: TENANT_KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'sim-small', messages: MESSAGES as OpenAI.ChatCompletionMessageParam[], stream: true });
    const it = stream[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value.choices[0].delta.role).toBe('assistant');
    expectUpstreamSilent();
    await waitFor(() => provider.heldCount('east') === 1);
    provider.release('east');
    let text = '';
    for (let r = await it.next(); !r.done; r = await it.next()) text += r.value.choices[0]?.delta.content ?? '';
    expect(text).toBe(simAnswer('sim-small', MESSAGES).text);
  });
});
