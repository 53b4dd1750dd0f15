// POST /v1/chat read by the real `ai` package (v7): its chat transport posts what useChat sends,
// parses the UI-message stream against its own schema (a part it does not know is an error), and
// readUIMessageStream assembles the assistant message.
import { DefaultChatTransport, readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOrigin, type SimOrigin } from '../sim/origin.ts';
import { simAnswer } from '../sim/text.ts';
import { TENANT_KEY, testConfig } from './harness/config.ts';
import { expectError } from './harness/expect.ts';
import { gatewaySuite } from './harness/suite.ts';

let origin: SimOrigin;
beforeAll(async () => {
  origin = await startOrigin();
});
afterAll(() => origin?.close());

const config = (providerUrl: string) => testConfig({ providerUrl, originUrl: origin.url, budgets: { retrievalMs: 1000, toolsMs: 1000 } });
const s = gatewaySuite(config, { each: ({ provider }) => provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0 }) });
beforeEach(() => origin.reset());

const QUESTION = 'How do circuit breakers protect an LLM gateway?';
const user = (text: string): UIMessage => ({ id: `u_${text.length}`, role: 'user', parts: [{ type: 'text', text }] });

function transport(body: Record<string, unknown> = {}) {
  return new DefaultChatTransport<UIMessage>({ api: `${s.gateway.url}/v1/chat`, headers: { authorization: `Bearer ${TENANT_KEY}` }, body: { model: 'sim-small', ...body } });
}

/** Sends as useChat does; returns every chunk (schema-checked by the SDK) and the final message. */
async function send(messages: UIMessage[], body: Record<string, unknown> = {}) {
  const stream = await transport(body).sendMessages({ chatId: 'chat_1', messages, trigger: 'submit-message', messageId: undefined, abortSignal: undefined });
  const [forChunks, forMessage] = stream.tee();
  const chunks: UIMessageChunk[] = [];
  const errors: unknown[] = [];
  const collected = (async () => {
    for await (const chunk of forChunks as unknown as AsyncIterable<UIMessageChunk>) chunks.push(chunk);
  })();
  let message: UIMessage | undefined;
  for await (const m of readUIMessageStream<UIMessage>({ stream: forMessage, onError: (e) => errors.push(e) })) message = m;
  await collected;
  return { chunks, message: message!, errors };
}

const textOf = (m: UIMessage) => m.parts.filter((p) => p.type === 'text').map((p) => (p as { text: string }).text).join('');

describe('/v1/chat read by the ai package', () => {
  it('assembles the answer: start first, text parts, the gateway\'s metadata, finish', async () => {
    const { chunks, message, errors } = await send([user(QUESTION)]);
    expect(errors).toEqual([]);
    expect(chunks[0]).toMatchObject({ type: 'start' });
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    expect(textOf(message)).toBe(simAnswer('sim-small', [{ role: 'user', content: QUESTION }]).text);
    expect(message.metadata).toMatchObject({ request_id: expect.stringMatching(/^req_/), trace_id: expect.any(String), model: 'sim-small', tier: 'small', cache: 'bypass', cost_usd: expect.any(Number) });
  });

  it('sources arrive as source parts (URLs as source-url) before any text', async () => {
    const { chunks, message } = await send([user(QUESTION)], { gateway: { retrieval: { topK: 3 } } });
    const isSource = (type: string) => type === 'source-url' || type === 'source-document';
    const firstSource = chunks.findIndex((c) => isSource(c.type));
    const firstText = chunks.findIndex((c) => c.type === 'text-delta');
    expect(firstSource).toBeGreaterThan(0);
    expect(firstSource).toBeLessThan(firstText);
    const sources = message.parts.filter((p) => isSource(p.type)) as Array<{ url?: string }>;
    expect(sources.length).toBeGreaterThan(0);
    expect(sources[0]!.url).toMatch(/^https:\/\/docs\.example\.com\//);
  });

  it('a reasoning model: reasoning parts, then text', async () => {
    s.provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0, reasoningMs: 100 });
    const { message } = await send([user(QUESTION)]);
    const kinds = message.parts.map((p) => p.type).filter((t) => t === 'reasoning' || t === 'text');
    expect(kinds).toEqual(['reasoning', 'text']);
  });

  it('a provider tool call becomes a tool part with its parsed input', async () => {
    const call = (fields: Record<string, unknown>) => ({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, ...fields }] }, finish_reason: null }] });
    s.provider.script('east', {
      events: [
        call({ id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":' } }),
        call({ function: { arguments: '"Oslo"}' } }),
        { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
        '[DONE]',
      ],
    });
    const { message, chunks } = await send([user('Weather in Oslo?')]);
    expect(message.parts.find((p) => p.type === 'tool-get_weather')).toMatchObject({ toolCallId: 'call_9', state: 'input-available', input: { city: 'Oslo' } });
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls' });
  });

  it('the second turn sends the first answer back (with its reasoning and sources) and is understood', async () => {
    const first = await send([user(QUESTION)], { gateway: { retrieval: { topK: 2 } } });
    const second = await send([user(QUESTION), first.message, user('And why does that matter?')]);
    expect(second.errors).toEqual([]);
    const sent = s.provider.calls.at(-1)!.body as { messages: Array<{ role: string; content: string }> };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent.messages[1]!.content).toBe(textOf(first.message));
  });

  it('a provider failure is an error the SDK raises, not a hang', async () => {
    s.provider.setFaults('east', { status: 500 });
    const { errors, chunks } = await send([user(QUESTION)]);
    expect(chunks.at(-1)).toMatchObject({ type: 'error', errorText: expect.stringContaining('upstream_error') });
    expect(errors.length).toBeGreaterThan(0);
  });

  it('a bad request is refused before any stream, with its real status', async () => {
    const res = await fetch(`${s.gateway.url}/v1/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TENANT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'c', messages: [{ id: 'm', role: 'user', parts: [{ type: 'data-weather', data: {} }] }] }),
    });
    const err = await expectError(res, 400, 'invalid_request');
    expect(err.param).toBe('messages[0].parts[0].type');
  });

  it('answers carry the UI-message stream header', async () => {
    const res = await fetch(`${s.gateway.url}/v1/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TENANT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'c', messages: [user(QUESTION)], trigger: 'submit-message' }),
    });
    expect(res.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(await res.text()).toMatch(/data: \[DONE\]\n\n$/);
  });
});

