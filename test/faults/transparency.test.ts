// Transparency (design §5): every field a provider sends reaches the client in the same shape,
// stream or not, for every choice, also when the answer is replayed from the cache. Each corpus
// answer is fetched from the provider directly and through the gateway, and compared field by
// field; the gateway may only re-frame the envelope (id, created, model) and add `gateway`.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../../sim/provider.ts';
import { TENANT_KEY, TEST_BINDINGS, testConfig } from '../harness/config.ts';
import { startGateway, type Gateway } from '../harness/gateway.ts';
import { chat, MESSAGES } from '../harness/requests.ts';
import { FrameReader, jsonEvents } from '../harness/sse.ts';
import { CORPUS, scriptOf, type CorpusCase } from './corpus.ts';

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
beforeEach(() => provider.reset());

type Json = Record<string, any>;
const ENVELOPE = ['id', 'created', 'model', 'gateway', 'object'];
const strip = (body: Json) => Object.fromEntries(Object.entries(body).filter(([k]) => !ENVELOPE.includes(k)));

/** Each case its own question, so cache entries never cross cases. */
const messagesOf = (c: CorpusCase) => [{ role: 'user', content: `${MESSAGES[0]!.content} (${c.name})` }];

/** The provider's own answer, asked directly. */
async function direct(c: CorpusCase, stream: boolean): Promise<Response> {
  return fetch(`${provider.url}/s/east/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'sim-small', messages: messagesOf(c), ...c.request, stream, ...(stream ? { stream_options: { include_usage: true } } : {}) }),
  });
}

const viaGateway = (c: CorpusCase, stream: boolean, extra: Json = {}) =>
  chat(gateway.url, { messages: messagesOf(c), ...c.request, ...extra, stream, ...(stream ? { stream_options: { include_usage: true } } : {}) });

/**
 * A stream, folded per choice the simplest way that loses nothing: for each choice, each delta
 * field's values in order (strings joined, lists joined, anything else as a list of values), the
 * finish reason, the logprobs lists; and each top-level field's values. Re-chunking (the cache
 * replays text in word-sized deltas) does not change the fold; a dropped or reshaped field does.
 */
function fold(events: Json[]): Json {
  const choices: Record<number, Json> = {};
  const top: Json = {};
  let usage: unknown;
  for (const ev of events) {
    for (const [k, v] of Object.entries(ev)) if (!ENVELOPE.includes(k) && k !== 'choices' && k !== 'usage' && k !== 'obfuscation') top[k] = v;
    if (ev.usage) usage = ev.usage;
    for (const ch of ev.choices) {
      const f = (choices[ch.index] ??= { fields: {}, tools: {}, logprobs: [], finish: null });
      if (ch.finish_reason) f.finish = ch.finish_reason;
      if (ch.logprobs?.content) f.logprobs.push(...ch.logprobs.content);
      for (const [k, v] of Object.entries(ch.delta ?? {})) {
        if (v == null || v === '' || k === 'role' || (Array.isArray(v) && v.length === 0)) continue;
        if (k === 'tool_calls') {
          for (const t of v as Json[]) {
            const tool = (f.tools[t.index] ??= { arguments: '' });
            if (t.id) tool.id = t.id;
            if (t.type) tool.type = t.type;
            if (t.function?.name) tool.name = t.function.name;
            tool.arguments += t.function?.arguments ?? '';
          }
        } else if (typeof v === 'string') f.fields[k] = (f.fields[k] ?? '') + v;
        else if (Array.isArray(v)) f.fields[k] = [...(f.fields[k] ?? []), ...v];
        else f.fields[k] = [...(f.fields[k] ?? []), v];
      }
    }
  }
  return { choices, top, usage };
}

async function streamEvents(res: Response): Promise<Json[]> {
  expect(res.status).toBe(200);
  const frames = await new FrameReader(res).rest();
  expect(frames.at(-1)?.data).toBe('[DONE]');
  return jsonEvents(frames);
}

describe.each(CORPUS.map((c) => [c.name, c] as const))('transparency: %s', (_name, c) => {
  it('non-stream: the gateway body equals the provider\'s, field by field', async () => {
    provider.script('east', scriptOf(c));
    const want = strip((await (await direct(c, false)).json()) as Json);
    const res = await viaGateway(c, false);
    expect(res.status).toBe(200);
    expect(strip((await res.json()) as Json)).toEqual(want);
  });

  it('stream: every delta field, finish reason, logprob and top-level field arrives, per choice', async () => {
    provider.script('east', scriptOf(c));
    const want = fold(await streamEvents(await direct(c, true)));
    const got = await streamEvents(await viaGateway(c, true));
    expect(fold(got)).toEqual(want);
    // Every choice's first chunk gives it the assistant role before any of its content.
    for (const index of Object.keys(want.choices).map(Number)) {
      const first = got.find((e) => e.choices.some((ch: Json) => ch.index === index));
      expect(first?.choices.find((ch: Json) => ch.index === index)?.delta.role).toBe('assistant');
    }
  });

  it.skipIf(c.request.n)('replayed from the cache, as JSON and as a stream, it is still the provider\'s answer', async () => {
    provider.script('east', scriptOf(c));
    const wantJson = strip((await (await direct(c, false)).json()) as Json);
    const wantStream = fold(await streamEvents(await direct(c, true)));
    const first = await viaGateway(c, false, { temperature: 0 });
    expect(first.headers.get('x-gateway-cache')).toBe('miss');
    await first.arrayBuffer();
    const callsBefore = provider.calls.length;
    const hit = await viaGateway(c, false, { temperature: 0 });
    expect(hit.headers.get('x-gateway-cache')).toBe('hit-memory');
    expect(strip((await hit.json()) as Json)).toEqual(wantJson);
    const hitStream = await streamEvents(await viaGateway(c, true, { temperature: 0 }));
    expect(fold(hitStream)).toEqual(wantStream);
    expect(provider.calls.length).toBe(callsBefore);
  });
});

describe('the official openai SDK over n = 2 streams', () => {
  it('.stream({n: 2}).finalChatCompletion() has both choices, each with its role', async () => {
    const c = CORPUS.find((x) => x.request.n === 2)!;
    provider.script('east', scriptOf(c));
    const client = new OpenAI({ apiKey: TENANT_KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const final = await client.chat.completions.stream({ model: 'sim-small', messages: MESSAGES as never, n: 2 }).finalChatCompletion();
    expect(final.choices.map((ch) => [ch.message.role, ch.message.content])).toEqual([['assistant', 'Red.'], ['assistant', 'Blue.']]);
  });

  it('a tool-call answer streamed through the SDK keeps content null, as the provider sent it', async () => {
    const c = CORPUS.find((x) => x.name.startsWith('parallel tool calls'))!;
    provider.script('east', scriptOf(c));
    const client = new OpenAI({ apiKey: TENANT_KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const final = await client.chat.completions.stream({ model: 'sim-small', messages: MESSAGES as never, ...(c.request as object) }).finalChatCompletion();
    expect(final.choices[0]!.message.content ?? null).toBeNull();
    expect(final.choices[0]!.message.tool_calls?.map((t) => (t as { function: { arguments: string } }).function.arguments)).toEqual(['{"city":"Oslo"}', '{"city":"Rome"}']);
  });
});
