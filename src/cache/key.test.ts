import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../chat-request';
import { cacheKey, cachePolicy, canonicalJson } from './key';

const chat = (extra: Record<string, unknown> = {}): ChatRequest =>
  ({ model: 'auto', temperature: 0, messages: [{ role: 'user', content: 'Hello' }], ...extra }) as ChatRequest;
const base = { tenantId: 'acme', model: 'sim-small', chat: chat(), prompt: { id: 'rag-answer', version: '2', preamble: 'assistant for Acme' } };

describe('cache key', () => {
  it.each([
    ['tenant', { tenantId: 'globex' }],
    ['model', { model: 'sim-large' }],
    ['messages', { chat: chat({ messages: [{ role: 'user', content: 'Hello!' }] }) }],
    ['temperature', { chat: chat({ temperature: 0.1 }) }],
    ['max_tokens', { chat: chat({ max_tokens: 5 }) }],
    ['tools', { chat: chat({ tools: [{ type: 'function', function: { name: 'f' } }] }) }],
    ['response_format', { chat: chat({ response_format: { type: 'json_object' } }) }],
    ['seed', { chat: chat({ seed: 7 }) }],
    ['prompt version', { prompt: { id: 'rag-answer', version: '1', preamble: 'assistant for Acme' } }],
    ['prompt variables (the rendered preamble)', { prompt: { id: 'rag-answer', version: '2', preamble: 'assistant for Globex' } }],
    ['retrieval chunks', { retrieval: { ids: ['doc-1'] } }],
    ['index version', { retrieval: { ids: [], indexVersion: 'idx-2' } }],
    ['tool results', { tools: [{ name: 'search', ok: true, result: 1 }] }],
  ])('changes with %s', async (_name, change) => {
    expect(await cacheKey({ ...base, ...change })).not.toBe(await cacheKey(base));
  });

  it('does not change with JSON key order, the stream flag or the gateway extension', async () => {
    const a = await cacheKey({ ...base, chat: chat({ temperature: 0, max_tokens: 5, stream: true }) });
    const b = await cacheKey({ ...base, chat: { max_tokens: 5, messages: [{ content: 'Hello', role: 'user' }], temperature: 0, model: 'auto', gateway: { priority: 'batch' } } as unknown as ChatRequest });
    expect(a).toBe(b);
  });

  it('is scoped to the tenant: 1,000 identical prompts across two tenants never share a key', async () => {
    const keys = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const c = chat({ messages: [{ role: 'user', content: `probe ${i}` }] });
      const a = await cacheKey({ ...base, tenantId: 'acme', chat: c });
      const g = await cacheKey({ ...base, tenantId: 'globex', chat: c });
      expect(a.startsWith('gw:c:acme:')).toBe(true);
      expect(a).not.toBe(g);
      keys.add(a).add(g);
    }
    expect(keys.size).toBe(2000);
  });

  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
  });
});

describe('cache policy', () => {
  it('caches deterministic requests by default; bypass, refresh and the tenant switch apply', () => {
    expect(cachePolicy(chat(), true)).toEqual({ read: true, write: true });
    expect(cachePolicy(chat({ temperature: 0.7 }), true)).toEqual({ read: false, write: false });
    expect(cachePolicy(chat({ n: 2 }), true)).toEqual({ read: false, write: false });
    expect(cachePolicy(chat({ gateway: { cache: 'bypass' } }), true)).toEqual({ read: false, write: false });
    expect(cachePolicy(chat({ gateway: { cache: 'refresh' } }), true)).toEqual({ read: false, write: true });
    expect(cachePolicy(chat(), false)).toEqual({ read: false, write: false });
  });
});

describe('canonical JSON on hostile input', () => {
  it('encodes 100,000 levels of nesting without overflowing the stack', () => {
    const depth = 100_000;
    const deep = JSON.parse(`${'{"b":1,"a":['.repeat(depth)}${']}'.repeat(depth)}`);
    const out = canonicalJson(deep);
    expect(out.startsWith('{"a":[{"a":[')).toBe(true);
    expect(out.length).toBe(depth * '{"a":[],"b":1}'.length);
  });

  it('matches JSON.stringify on sorted values, undefined included', () => {
    expect(canonicalJson({ z: undefined, y: [undefined, 'x', true, 1.5, null], x: {} })).toBe('{"x":{},"y":[null,"x",true,1.5,null]}');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('s')).toBe('"s"');
  });
});
