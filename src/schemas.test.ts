import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canarySchema } from './canary/config';
import { chatRequestSchema, gatewayExtension } from './chat-request';
import { configSchema, parseConfig } from './config';
import { embeddingsRequestSchema } from './embeddings/request';
import { rerankResponse, retrieveResponse, toolResponse } from './fanout/origin';
import { feedbackSchema } from './routes/feedback';
import { toChatRequest, uiChatRequestSchema } from './ui-chat-request';

/**
 * Every schema of the Worker against a broad table of valid and invalid inputs, pinned in
 * `__snapshots__/schemas.test.ts.snap`: whether it parses, the parsed value (as ordered JSON, keys
 * present with `undefined` kept, so defaults, passthrough and stripping all show), and each issue
 * in full (code, path, message and the rest). The 400 bodies and config errors quote these issues,
 * so a change of zod build or version that moves any of them shows up here.
 */

type Schema = { safeParse(input: unknown): { success: true; data: unknown } | { success: false; error: { issues: readonly unknown[] } } };

const UNDEFINED = '<undefined>';
const show = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_k, v: unknown) => (v === undefined ? UNDEFINED : v)) ?? JSON.stringify(UNDEFINED));

function outcome(schema: Schema, input: unknown): unknown {
  const r = schema.safeParse(input);
  return r.success ? { success: true, data: JSON.stringify(show(r.data)) } : { success: false, issues: show(r.error.issues) };
}

type Case = readonly [name: string, input: unknown];

function table(schema: Schema, cases: readonly Case[]): void {
  const names = cases.map(([name]) => name);
  it('has unique case names', () => expect(new Set(names).size).toBe(names.length));
  it.each(cases)('%s', (_name, input) => expect(outcome(schema, input)).toMatchSnapshot());
}

const repeat = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const msg = (content: unknown = 'hi', role = 'user') => ({ role, content });
const chat = (extra: Record<string, unknown> = {}) => ({ model: 'sim-small', messages: [msg()], ...extra });
const gw = (gateway: unknown) => chat({ gateway });

describe('chatRequestSchema', () => {
  table(chatRequestSchema, [
    ['minimal', chat()],
    ['unknown top-level fields pass through', chat({ logit_bias: { '50256': -100 }, seed: 7, user: 'u1', tool_choice: 'auto' })],
    ['message extra fields pass through', chat({ messages: [{ role: 'assistant', content: null, name: 'a', tool_calls: [{ id: 'c1', type: 'function' }] }] })],
    ['content null', chat({ messages: [msg(null)] })],
    ['content absent', chat({ messages: [{ role: 'assistant', tool_calls: [] }] })],
    ['content parts with extra fields', chat({ messages: [msg([{ type: 'text', text: 'a' }, { type: 'image_url', image_url: { url: 'x' } }])] })],
    ['content empty parts', chat({ messages: [msg([])] })],
    ['every role', chat({ messages: ['system', 'developer', 'user', 'assistant', 'tool', 'function'].map((r) => msg('x', r)) })],
    ['stream with options', chat({ stream: true, stream_options: { include_usage: true, extra: 1 } })],
    ['nullish fields null', chat({ stream: null, stream_options: null, max_tokens: null, max_completion_tokens: null, n: null, temperature: null, top_p: null, tools: null, response_format: null })],
    ['optional fields explicitly undefined', chat({ stream: undefined, gateway: undefined, max_tokens: undefined })],
    ['bounds at their edges', chat({ max_tokens: 1, max_completion_tokens: 100000, n: 128, temperature: 2, top_p: 0 })],
    ['lower edges', chat({ n: 1, temperature: 0, top_p: 1 })],
    ['gateway empty', gw({})],
    [
      'gateway full',
      gw({
        retrieval: { query: 'q', topK: 100, filters: { lang: 'en', n: [1] }, maxContextTokens: 1 },
        tools: [{ name: 'search_web-1', arguments: { q: 'x' } }],
        priority: 'batch',
        prompt: { id: 'rag-answer', version: '2', variables: { a: 1 } },
        cache: 'refresh',
        task_id: 't'.repeat(128),
        contract: 'buffer',
      }),
    ],
    ['tools valid', chat({ tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' }, strict: true }, extra: 1 }, { type: 'custom' }] })],
    ['response_format json_schema', chat({ response_format: { type: 'json_schema', json_schema: { name: 'n', schema: { type: 'object' }, strict: true } } })],
    ['response_format text', chat({ response_format: { type: 'text' } })],
    ['response_format json_object', chat({ response_format: { type: 'json_object', other: 1 } })],
    ['null body', null],
    ['string body', 'hello'],
    ['array body', [chat()]],
    ['empty object', {}],
    ['missing model', { messages: [msg()] }],
    ['empty model', chat({ model: '' })],
    ['numeric model', chat({ model: 4 })],
    ['no messages', chat({ messages: [] })],
    ['messages not an array', chat({ messages: { role: 'user' } })],
    ['unknown role', chat({ messages: [msg('x', 'robot')] })],
    ['numeric content', chat({ messages: [msg(42)] })],
    ['content part without type', chat({ messages: [msg([{ text: 'a' }])] })],
    ['content part with numeric type', chat({ messages: [msg([{ type: 1 }])] })],
    ['message not an object', chat({ messages: ['hi'] })],
    ['stream as a string', chat({ stream: 'yes' })],
    ['stream_options include_usage as a string', chat({ stream_options: { include_usage: 'yes' } })],
    ['max_tokens 0', chat({ max_tokens: 0 })],
    ['max_tokens negative', chat({ max_tokens: -1 })],
    ['max_tokens fractional', chat({ max_tokens: 1.5 })],
    ['max_tokens as a string', chat({ max_tokens: '10' })],
    ['max_tokens unsafe integer', chat({ max_tokens: 2 ** 60 })],
    ['max_completion_tokens 0', chat({ max_completion_tokens: 0 })],
    ['n 0', chat({ n: 0 })],
    ['n 129', chat({ n: 129 })],
    ['n fractional', chat({ n: 2.5 })],
    ['temperature below 0', chat({ temperature: -0.1 })],
    ['temperature above 2', chat({ temperature: 2.1 })],
    ['temperature NaN', chat({ temperature: Number.NaN })],
    ['temperature Infinity', chat({ temperature: Number.POSITIVE_INFINITY })],
    ['top_p above 1', chat({ top_p: 1.5 })],
    ['gateway not an object', gw('fast')],
    ['gateway unknown key', gw({ retreival: {} })],
    ['gateway two unknown keys', gw({ foo: 1, bar: 2, cache: 'default' })],
    ['gateway.retrieval unknown key', gw({ retrieval: { k: 3 } })],
    ['gateway.retrieval.query too long', gw({ retrieval: { query: 'q'.repeat(8193) } })],
    ['gateway.retrieval.query at its limit', gw({ retrieval: { query: 'q'.repeat(8192) } })],
    ['gateway.retrieval.topK 0', gw({ retrieval: { topK: 0 } })],
    ['gateway.retrieval.topK 101', gw({ retrieval: { topK: 101 } })],
    ['gateway.retrieval.topK fractional', gw({ retrieval: { topK: 1.5 } })],
    ['gateway.retrieval.filters an array', gw({ retrieval: { filters: ['a'] } })],
    ['gateway.retrieval.maxContextTokens 0', gw({ retrieval: { maxContextTokens: 0 } })],
    ['gateway.tools 17', gw({ tools: repeat(17, (i) => ({ name: `t${i}`, arguments: {} })) })],
    ['gateway.tools bad name', gw({ tools: [{ name: 'has space', arguments: {} }] })],
    ['gateway.tools name too long', gw({ tools: [{ name: 'x'.repeat(65), arguments: {} }] })],
    ['gateway.tools without arguments', gw({ tools: [{ name: 'search' }] })],
    ['gateway.tools extra key', gw({ tools: [{ name: 'search', arguments: {}, timeout: 5 }] })],
    ['gateway.priority unknown', gw({ priority: 'urgent' })],
    ['gateway.prompt empty id', gw({ prompt: { id: '' } })],
    ['gateway.prompt extra key', gw({ prompt: { id: 'p', vars: {} } })],
    ['gateway.prompt without id', gw({ prompt: { version: '1' } })],
    ['gateway.cache unknown', gw({ cache: 'never' })],
    ['gateway.task_id empty', gw({ task_id: '' })],
    ['gateway.task_id too long', gw({ task_id: 't'.repeat(129) })],
    ['gateway.contract unknown', gw({ contract: 'strict' })],
    ['tools 129', chat({ tools: repeat(129, () => ({ type: 'function' })) })],
    ['tools item without type', chat({ tools: [{ function: { name: 'f' } }] })],
    ['tools function empty name', chat({ tools: [{ type: 'function', function: { name: '' } }] })],
    ['tools function parameters an array', chat({ tools: [{ type: 'function', function: { name: 'f', parameters: [] } }] })],
    ['response_format unknown type', chat({ response_format: { type: 'yaml' } })],
    ['response_format json_schema name numeric', chat({ response_format: { type: 'json_schema', json_schema: { name: 1 } } })],
    ['several faults at once', { model: '', messages: [msg(1, 'robot')], n: 0, temperature: 9, gateway: { x: 1 } }],
  ]);
});

describe('gatewayExtension', () => {
  table(gatewayExtension, [
    ['empty', {}],
    ['priority interactive', { priority: 'interactive' }],
    ['undefined', undefined],
    ['null', null],
    ['retrieval null', { retrieval: null }],
    ['tools empty', { tools: [] }],
    ['arguments not an object', { tools: [{ name: 'a', arguments: 'x' }] }],
  ]);
});

const ui = (extra: Record<string, unknown> = {}) => ({ messages: [{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }], ...extra });

describe('uiChatRequestSchema', () => {
  table(uiChatRequestSchema, [
    ['minimal, model defaults to auto', ui()],
    ['model explicitly undefined', ui({ model: undefined })],
    [
      'everything set, unknown keys pass through',
      ui({ id: 'chat1', trigger: 'submit-message', messageId: 'm1', model: 'sim-large', gateway: { task_id: 't' }, temperature: 1, top_p: 0.5, max_tokens: 10, max_completion_tokens: 20, seed: -3, user: 'u', reasoning_effort: 'low', extra: { a: 1 } }),
    ],
    ['message id and extra fields', ui({ messages: [{ id: 'm', role: 'assistant', parts: [{ type: 'tool-search', toolCallId: 'c', state: 'output-available' }], metadata: { x: 1 } }] })],
    ['empty parts', ui({ messages: [{ role: 'system', parts: [] }] })],
    ['no messages', ui({ messages: [] })],
    ['tool role', ui({ messages: [{ role: 'tool', parts: [] }] })],
    ['parts missing', ui({ messages: [{ role: 'user' }] })],
    ['part with empty type', ui({ messages: [{ role: 'user', parts: [{ type: '' }] }] })],
    ['model empty', ui({ model: '' })],
    ['model null', ui({ model: null })],
    ['id too long', ui({ id: 'i'.repeat(257) })],
    ['messageId too long', ui({ messageId: 'm'.repeat(257) })],
    ['temperature 3', ui({ temperature: 3 })],
    ['top_p negative', ui({ top_p: -1 })],
    ['top_p null (not nullish here)', ui({ top_p: null })],
    ['max_tokens 0', ui({ max_tokens: 0 })],
    ['max_completion_tokens fractional', ui({ max_completion_tokens: 0.5 })],
    ['seed fractional', ui({ seed: 1.5 })],
    ['user too long', ui({ user: 'u'.repeat(257) })],
    ['reasoning_effort numeric', ui({ reasoning_effort: 1 })],
    ['gateway unknown key', ui({ gateway: { nope: true } })],
    ['trigger numeric', ui({ trigger: 1 })],
  ]);
});

describe('uiChatRequestSchema then chatRequestSchema (the /v1/chat path)', () => {
  const through = { safeParse: (input: unknown) => {
    const parsed = uiChatRequestSchema.safeParse(input);
    return parsed.success ? chatRequestSchema.safeParse(toChatRequest(parsed.data)) : parsed;
  } } as Schema;
  table(through, [
    ['text', ui({ temperature: 0.3, gateway: { priority: 'batch' } })],
    ['image and tool call', ui({ messages: [{ role: 'user', parts: [{ type: 'file', mediaType: 'image/png', url: 'data:x' }] }, { role: 'assistant', parts: [{ type: 'dynamic-tool', toolName: 't', toolCallId: 'c', state: 'output-available', input: { a: 1 }, output: 2 }] }] })],
    ['n and temperature out of range after conversion', ui({ temperature: 1.9, max_tokens: 5 })],
  ]);
});

const feedback = (extra: Record<string, unknown> = {}) => ({ request_id: `req_${'a1'.repeat(12)}`, success: true, ...extra });

describe('feedbackSchema', () => {
  table(feedbackSchema, [
    ['minimal', feedback()],
    ['everything', feedback({ success: false, task_id: 't'.repeat(128), reason: 'r'.repeat(1000) })],
    ['bad request id', feedback({ request_id: 'req_XYZ' })],
    ['request id in upper case', feedback({ request_id: `req_${'A1'.repeat(12)}` })],
    ['request id missing', { success: true }],
    ['success missing', { request_id: feedback().request_id }],
    ['success as a string', feedback({ success: 'true' })],
    ['task_id empty', feedback({ task_id: '' })],
    ['task_id too long', feedback({ task_id: 't'.repeat(129) })],
    ['reason too long', feedback({ reason: 'r'.repeat(1001) })],
    ['unknown key', feedback({ score: 1 })],
    ['not an object', 'yes'],
  ]);
});

const embed = (extra: Record<string, unknown> = {}) => ({ model: 'sim-embed', input: 'hello', ...extra });

describe('embeddingsRequestSchema', () => {
  table(embeddingsRequestSchema, [
    ['string input', embed()],
    ['array input, unknown keys pass through', embed({ input: ['a', 'b'], encoding_format: 'base64', dimensions: 256, user: 'u', extra: true })],
    ['2048 inputs', embed({ input: repeat(2048, () => 'x') })],
    ['float format', embed({ encoding_format: 'float' })],
    ['empty string input', embed({ input: '' })],
    ['empty array input', embed({ input: [] })],
    ['array with an empty string', embed({ input: ['a', ''] })],
    ['2049 inputs', embed({ input: repeat(2049, () => 'x') })],
    ['token array input', embed({ input: [1, 2, 3] })],
    ['input missing', { model: 'm' }],
    ['input null', embed({ input: null })],
    ['unknown encoding format', embed({ encoding_format: 'hex' })],
    ['dimensions 0', embed({ dimensions: 0 })],
    ['dimensions fractional', embed({ dimensions: 1.5 })],
    ['user numeric', embed({ user: 1 })],
    ['model missing', { input: 'x' }],
    ['model empty', embed({ model: '' })],
  ]);
});

const chunk = (extra: Record<string, unknown> = {}) => ({ id: 'c1', text: 'body', score: 0.5, ...extra });

describe('origin responses', () => {
  describe('retrieveResponse', () => {
    table(retrieveResponse, [
      ['chunks and index version, unknown keys stripped', { chunks: [chunk({ source: 's', embeddingModel: 'e', extra: 1 })], indexVersion: 'v2', took: 3 }],
      ['no chunks', { chunks: [] }],
      ['chunk without text', { chunks: [{ id: 'c', score: 1 }] }],
      ['score as a string', { chunks: [chunk({ score: '0.5' })] }],
      ['chunks not an array', { chunks: {} }],
      ['index version numeric', { chunks: [], indexVersion: 2 }],
      ['undefined (unparsable body)', undefined],
      ['source null', { chunks: [chunk({ source: null })] }],
    ]);
  });
  describe('rerankResponse', () => {
    table(rerankResponse, [
      ['chunks', { chunks: [chunk(), chunk({ id: 'c2', score: -1 })], indexVersion: 'dropped' }],
      ['missing chunks', {}],
      ['chunk id numeric', { chunks: [chunk({ id: 1 })] }],
    ]);
  });
  describe('toolResponse', () => {
    table(toolResponse, [
      ['object result', { result: { a: [1, 2] }, extra: 1 }],
      ['null result', { result: null }],
      ['no result key', {}],
      ['not an object', [1]],
    ]);
  });
});

const canary = (extra: Record<string, unknown> = {}) => ({ id: 'c-1', kind: 'prompt', from: 'rag-answer@1', to: 'rag-answer@2', percent: 10, ...extra });

describe('canarySchema', () => {
  table(canarySchema, [
    ['minimal, defaults filled', canary()],
    ['everything', canary({ kind: 'model', from: 'a', to: 'b', percent: 100, windowSeconds: 60, minRequests: 1, alarms: { p95Ms: 900, errorRate: 0.1, refusalRate: 0, parseErrorRate: 1, costPerSuccessUsd: 0 }, extra: 1 })],
    ['alarms partial', canary({ alarms: { errorRate: 0.5 } })],
    ['bad id', canary({ id: 'has space' })],
    ['id too long', canary({ id: 'x'.repeat(65) })],
    ['unknown kind', canary({ kind: 'route' })],
    ['empty from', canary({ from: '' })],
    ['percent over 100', canary({ percent: 101 })],
    ['percent negative', canary({ percent: -1 })],
    ['windowSeconds 0', canary({ windowSeconds: 0 })],
    ['minRequests fractional', canary({ minRequests: 2.5 })],
    ['alarms unknown key', canary({ alarms: { latency: 1 } })],
    ['alarms errorRate over 1', canary({ alarms: { errorRate: 2 } })],
    ['alarms p95Ms 0', canary({ alarms: { p95Ms: 0 } })],
    ['alarms costPerSuccessUsd negative', canary({ alarms: { costPerSuccessUsd: -0.01 } })],
    ['alarms null', canary({ alarms: null })],
  ]);
});

const demo = JSON.parse(readFileSync(new URL('../config/demo.json', import.meta.url), 'utf8'));
const hash = 'a'.repeat(64);
const minimal = () => ({
  tenants: [{ id: 't', apiKeyHashes: [hash] }],
  models: [{ id: 'm', tier: 'small', inputPer1M: 1, outputPer1M: 2, contextWindow: 1000, endpoints: [{ id: 'e', baseUrl: 'https://api.example.com/v1' }] }],
});
const cfg = (change: (c: any) => void, base: () => any = minimal) => {
  const c = base();
  change(c);
  return c;
};
const fromDemo = (change: (c: any) => void) => cfg(change, () => structuredClone(demo));
const embedModel = { id: 'emb', kind: 'embedding', inputPer1M: 0.02, endpoints: [{ id: 'e', baseUrl: 'http://127.0.0.1:1' }] };

const configCases: Case[] = [
  ['the demo config', demo],
  ['minimal, every default filled', minimal()],
  ['unknown keys stripped', cfg((c) => { c.extra = 1; c.tenants[0].extra = 2; c.models[0].endpoints[0].extra = 3; })],
  ['embedding model filled in', cfg((c) => c.models.push(embedModel))],
  ['embedding model keeps what it sets', cfg((c) => c.models.push({ ...embedModel, tier: 'large', contextWindow: 512 }))],
  ['embedding model missing endpoints', cfg((c) => c.models.push({ id: 'emb', kind: 'embedding', inputPer1M: 0 }))],
  ['model not an object', cfg((c) => c.models.push('m2'))],
  ['every optional section', cfg((c) => {
    c.tenants[0] = { id: 't', apiKeyHashes: [hash], limits: { interactive: { capacity: 1, refillPerSecond: 0 }, batch: { capacity: 2, refillPerSecond: 1 }, tokensPerMinute: 10, tools: { s: { capacity: 1, refillPerSecond: 1 } }, usdPerDay: 5 }, allowedModels: ['m'], cache: false, logContent: true, maxTier: 'small', retrieval: { indexVersion: 'v1', shadow: { indexVersion: 'v2', sample: 0.1 } }, semanticCache: { enabled: true, embeddingModel: 'emb' } };
    c.models.push(embedModel);
    c.models[0] = { ...c.models[0], kind: 'chat', upstreamModel: 'up', cachedInputPer1M: 0.5, cacheWritePer1M: 1.5, reasoningPer1M: 3, maxOutputTokens: 100, fallbackInstructions: 'short', endpoints: [{ id: 'e', baseUrl: 'http://x.test', apiKeyEnv: 'K', weight: 2, prices: { inputPer1M: 0.9, cachedInputPer1M: 0.1 }, provider: 'groq' }] };
    c.origin = { baseUrl: 'https://origin.test' };
    c.routing = { router: 'rules', cascade: true, cascadeMinPLarge: 0.2, maxTokens: { small: 100 } };
    c.resilience = { breaker: { failureRate: 1 }, retry: { maxAttempts: 6 } };
    c.rateLimit = { failOpen: { batch: true } };
    c.tools = { required: ['search'] };
    c.slo = { retrieval: 250, 'tool:search': 400, alarmWebhook: 'https://ops.test/hook', alarmWindow: '1h', alarmMinRequests: 1 };
    c.cors = { allowOrigins: ['*'] };
    c.canaries = [{ id: 'k', kind: 'model', from: 'm', to: 'm2', percent: 5 }];
    c.models.push({ ...minimal().models[0], id: 'm2', fallback: 'm' });
    c.maxChoices = 1;
    c.maxJsonDepth = 8;
    c.maxBodyBytes = 1;
  })],
  ['prompt canary', cfg((c) => (c.canaries = [{ id: 'p', kind: 'prompt', from: 'rag-answer@1', to: 'rag-answer@3', percent: 50 }]))],
  ['not an object', 'config'],
  ['null', null],
  ['empty object', {}],
  ['no tenants', cfg((c) => (c.tenants = []))],
  ['no models', cfg((c) => (c.models = []))],
  ['tenant without key hashes', cfg((c) => delete c.tenants[0].apiKeyHashes)],
  ['empty key hash list', cfg((c) => (c.tenants[0].apiKeyHashes = []))],
  ['bad key hash', cfg((c) => (c.tenants[0].apiKeyHashes = ['ABC']))],
  ['empty tenant id', cfg((c) => (c.tenants[0].id = ''))],
  ['bucket capacity 0', cfg((c) => (c.tenants[0].limits = { interactive: { capacity: 0, refillPerSecond: 1 } }))],
  ['tool bucket missing refill', cfg((c) => (c.tenants[0].limits = { tools: { s: { capacity: 1 } } }))],
  ['tokensPerMinute fractional', cfg((c) => (c.tenants[0].limits = { tokensPerMinute: 1.5 }))],
  ['maxTier medium', cfg((c) => (c.tenants[0].maxTier = 'medium'))],
  ['shadow sample 2', cfg((c) => (c.tenants[0].retrieval = { shadow: { indexVersion: 'v', sample: 2 } }))],
  ['index version too long', cfg((c) => (c.tenants[0].retrieval = { indexVersion: 'v'.repeat(129) }))],
  ['semantic cache defaults', cfg((c) => (c.tenants[0].semanticCache = {}))],
  ['semantic cache enabled without a model', cfg((c) => (c.tenants[0].semanticCache = { enabled: true }))],
  ['semantic cache on a chat model', cfg((c) => (c.tenants[0].semanticCache = { embeddingModel: 'm' }))],
  ['semantic cache threshold 0', cfg((c) => (c.tenants[0].semanticCache = { threshold: 0 }))],
  ['semantic cache threshold over 1', cfg((c) => (c.tenants[0].semanticCache = { threshold: 1.01 }))],
  ['semantic cache unknown index', cfg((c) => (c.tenants[0].semanticCache = { index: 'redis' }))],
  ['endpoint ftp URL', cfg((c) => (c.models[0].endpoints[0].baseUrl = 'ftp://x.test'))],
  ['endpoint not a URL', cfg((c) => (c.models[0].endpoints[0].baseUrl = 'not a url'))],
  ['endpoint weight 0', cfg((c) => (c.models[0].endpoints[0].weight = 0))],
  ['endpoint price negative', cfg((c) => (c.models[0].endpoints[0].prices = { outputPer1M: -1 }))],
  ['no endpoints', cfg((c) => (c.models[0].endpoints = []))],
  ['unknown tier', cfg((c) => (c.models[0].tier = 'medium'))],
  ['unknown kind', cfg((c) => (c.models[0].kind = 'image'))],
  ['negative input price', cfg((c) => (c.models[0].inputPer1M = -0.1))],
  ['context window fractional', cfg((c) => (c.models[0].contextWindow = 10.5))],
  ['reserved model id', cfg((c) => (c.models[0].id = 'auto'))],
  ['duplicate model id', cfg((c) => c.models.push({ ...c.models[0] }))],
  ['fallback unknown', cfg((c) => (c.models[0].fallback = 'nope'))],
  ['fallback to itself', cfg((c) => (c.models[0].fallback = 'm'))],
  ['fallback to another kind', cfg((c) => { c.models.push(embedModel); c.models[0].fallback = 'emb'; })],
  ['refinement beside a field issue', cfg((c) => { c.models.push({ ...c.models[0] }); c.budgets = { idleMs: -1 }; })],
  ['several refinements', cfg((c) => { c.models.push({ ...c.models[0], id: 'small' }, { ...c.models[0] }); c.tenants[0].semanticCache = { enabled: true }; })],
  ['budget negative', fromDemo((c) => (c.budgets.firstTokenMs = -1))],
  ['budget fractional', fromDemo((c) => (c.budgets.totalMs = 1.5))],
  ['budgets null', cfg((c) => (c.budgets = null))],
  ['KV TTL under 60 s', fromDemo((c) => (c.cache.kvTtlSeconds = 10))],
  ['memory TTL 0', cfg((c) => (c.cache = { memoryTtlSeconds: 0 }))],
  ['retrieval topK 0', cfg((c) => (c.retrieval = { topK: 0 }))],
  ['tools required not strings', cfg((c) => (c.tools = { required: [1] }))],
  ['router unknown', cfg((c) => (c.routing = { router: 'ml' }))],
  ['routing maxTokens small 0', cfg((c) => (c.routing = { maxTokens: { small: 0 } }))],
  ['breaker failureRate 0', cfg((c) => (c.resilience = { breaker: { failureRate: 0 } }))],
  ['retry maxAttempts 7', cfg((c) => (c.resilience = { retry: { maxAttempts: 7 } }))],
  ['failOpen string', cfg((c) => (c.rateLimit = { failOpen: { interactive: 'yes' } }))],
  ['slo stage budget a string', cfg((c) => (c.slo = { retrieval: 'fast' }))],
  ['slo stage budget 0', cfg((c) => (c.slo = { total: 0 }))],
  ['slo alarm window 5m', cfg((c) => (c.slo = { alarmWindow: '5m' }))],
  ['slo webhook not http', cfg((c) => (c.slo = { alarmWebhook: 'mailto:ops@example.com' }))],
  ['stats flushMs 0', cfg((c) => (c.stats = { flushMs: 0 }))],
  ['cors origin empty', cfg((c) => (c.cors = { allowOrigins: [''] }))],
  ['origin not a URL', cfg((c) => (c.origin = { baseUrl: 'origin' }))],
  ['maxChoices 0', cfg((c) => (c.maxChoices = 0))],
  ['maxChoices 129', cfg((c) => (c.maxChoices = 129))],
  ['maxJsonDepth 7', cfg((c) => (c.maxJsonDepth = 7))],
  ['maxJsonDepth 1001', cfg((c) => (c.maxJsonDepth = 1001))],
  ['maxBodyBytes 0', cfg((c) => (c.maxBodyBytes = 0))],
  ['canary duplicate id', cfg((c) => (c.canaries = [canary(), canary()]))],
  ['canary unknown model', cfg((c) => (c.canaries = [canary({ kind: 'model', from: 'm', to: 'zz' })]))],
  ['canary unknown template', cfg((c) => (c.canaries = [canary({ to: 'rag-answer@9' })]))],
  ['canary same from and to', cfg((c) => (c.canaries = [canary({ to: 'rag-answer@1' })]))],
  ['canary across prompts', cfg((c) => (c.canaries = [canary({ to: 'support-agent@1' })]))],
  ['canary not a ref', cfg((c) => (c.canaries = [canary({ from: 'rag-answer' })]))],
  ['canary bad id', cfg((c) => (c.canaries = [canary({ id: '!' })]))],
  ['canary alarms unknown key', cfg((c) => (c.canaries = [canary({ alarms: { x: 1 } })]))],
];

describe('configSchema', () => {
  table(configSchema, configCases);
});

describe('parseConfig (the error text the Worker reports)', () => {
  const picks = ['minimal, every default filled', 'not an object', 'empty object', 'bad key hash', 'endpoint ftp URL', 'reserved model id', 'semantic cache enabled without a model', 'refinement beside a field issue', 'slo stage budget a string', 'canary bad id', 'canary across prompts'];
  it.each(picks)('%s', (name) => {
    const input = configCases.find(([n]) => n === name)![1];
    const result = parseConfig(JSON.stringify(input));
    expect(result.ok ? { ok: true } : result).toMatchSnapshot();
  });
});
