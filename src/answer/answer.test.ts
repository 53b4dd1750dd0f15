// The answer path in Node with fakes at its edges (the origin and the provider) and the real
// sinks, cache flow and isolate state: what each shape makes of the same answer.
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../catalog';
import type { ChatRequest } from '../chat-request';
import { configSchema } from '../config';
import type { FanoutResult } from '../fanout/fanout';
import type { Candidate } from '../providers/failover';
import { ChatSseSink } from '../sinks/chat-sse';
import { JsonSink } from '../sinks/json';
import { UiMessageSink } from '../sinks/ui-message';
import { createIsolateState, type IsolateState } from '../state';
import type { SseWriter } from '../stream/early-sse';
import type { ChatChunk } from '../stream/types';
import { Trace } from '../telemetry/trace';
import { answer, type AnswerDeps } from './answer';
import { planAnswer } from './plan';

const config = configSchema.parse({
  tenants: [{ id: 'acme', apiKeyHashes: ['0'.repeat(64)] }],
  models: [{ id: 'm', tier: 'small', inputPer1M: 1, outputPer1M: 2, contextWindow: 100_000, endpoints: [{ id: 'e', baseUrl: 'http://provider.invalid/v1' }] }],
  origin: { baseUrl: 'http://origin.invalid' },
});
const catalog = buildCatalog(config);
const CHUNKS: ChatChunk[] = [
  { choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
  { choices: [{ index: 0, delta: { reasoning_content: 'Hmm.' }, finish_reason: null }] },
  { choices: [{ index: 0, delta: { content: 'Hello ' }, finish_reason: null }] },
  { choices: [{ index: 0, delta: { content: 'world' }, finish_reason: 'stop' }] },
  { choices: [], usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 } },
];
const FANOUT: FanoutResult = {
  retrievalAsked: true,
  retrieval: { context: { chunks: [{ id: 'd1', text: 'doc', score: 0.9, source: 'manual' }], tokens: 1, cut: 0, duplicates: 0 } } as never,
  tools: [],
  degraded: [],
};

/** Fakes at the edges, counting their calls; the provider reports usage on the trace as the real one does. */
function fakes(trace?: Trace) {
  const calls = { provider: 0, fanout: 0 };
  const deps: AnswerDeps = {
    reask: () => true,
    async fanout(_plan, _signal, onRetrieval) {
      calls.fanout++;
      onRetrieval(FANOUT);
      return FANOUT;
    },
    async provider(_body, _signal, sink) {
      calls.provider++;
      for (const c of CHUNKS) {
        if (c.usage && trace) trace.usage = c.usage as never;
        sink.chunk(structuredClone(c));
      }
      sink.flush?.();
      return { model: catalog.modelById.get('m')!, endpoint: catalog.modelById.get('m')!.endpoints[0]!, fallback: false } as Candidate;
    },
  };
  return { deps, calls };
}

const background: Promise<unknown>[] = [];
function plan(state: IsolateState, extra: Partial<ChatRequest> = {}) {
  const chat = { model: 'm', messages: [{ role: 'user', content: 'Hi' }], ...extra } as ChatRequest;
  const trace = new Trace(undefined);
  return planAnswer({ catalog, tenant: config.tenants[0]!, chat, trace, env: {} as never, state, waitUntil: (p) => void background.push(p) });
}

function writer() {
  const events: Array<Record<string, any>> = [];
  const out: SseWriter = { data: (json) => void events.push(JSON.parse(json)), flush: () => {} };
  return { out, events };
}

const signal = new AbortController().signal;

describe('answer(plan, deps, sink)', () => {
  it('JSON: the assembled completion, usage, cost and headers', async () => {
    const p = plan(createIsolateState());
    const sink = new JsonSink(p, {});
    await answer(p, fakes(p.trace).deps, sink, signal);
    expect(sink.body).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant', content: 'Hello world', reasoning_content: 'Hmm.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1000, completion_tokens: 500 },
      gateway: { cost_usd: 0.002, model: 'm', endpoint: 'e' },
    });
    expect(sink.headers).toMatchObject({ 'x-gateway-cost-usd': '0.002', 'x-gateway-endpoint': 'e' });
  });

  it('Chat Completions SSE: the provider\'s deltas re-framed, the usage chunk when asked', async () => {
    const p = plan(createIsolateState(), { stream: true, stream_options: { include_usage: true } });
    const { out, events } = writer();
    await answer(p, fakes(p.trace).deps, new ChatSseSink(out, p), signal);
    expect(events.map((e) => e.choices[0]?.delta)).toEqual([{ reasoning_content: 'Hmm.' }, { content: 'Hello ' }, { content: 'world' }, undefined]);
    expect(events.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: 1500 }, gateway: { cost_usd: 0.002 } });
  });

  it('UI-message stream: sources before reasoning before text, then metadata and finish', async () => {
    const p = plan(createIsolateState(), { stream: true, gateway: { retrieval: {} } });
    const { out, events } = writer();
    await answer(p, fakes(p.trace).deps, new UiMessageSink(out, p), signal);
    expect(events.map((e) => e.type)).toEqual([
      'source-document', 'reasoning-start', 'reasoning-delta', 'reasoning-end', 'text-start', 'text-delta', 'text-delta', 'text-end', 'message-metadata', 'finish',
    ]);
    expect(events.at(-2)!.messageMetadata).toMatchObject({ model: 'm', tier: 'small', cost_usd: 0.002, degraded: [] });
  });

  it('the same state answers an identical reproducible request from the cache, in another shape', async () => {
    const state = createIsolateState();
    const first = plan(state, { temperature: 0 });
    const { deps, calls } = fakes(first.trace);
    await first.cache.lookup(undefined);
    await answer(first, deps, new JsonSink(first, {}), signal);
    await Promise.all(background);
    const p = plan(state, { temperature: 0, stream: true });
    const hit = await p.cache.lookup(undefined, { fast: true });
    expect(p.cache.status).toBe('hit-memory');
    const { out, events } = writer();
    new UiMessageSink(out, p).replay(hit!, undefined);
    expect(events.filter((e) => e.type === 'text-delta').map((e) => e.delta).join('')).toBe('Hello world');
    expect(calls.provider).toBe(1);
  });
});
