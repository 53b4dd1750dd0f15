// Mutated client request bodies for the fuzz test: valid chat requests (every documented field and
// the gateway extension), then wrong types, missing and extra fields, deep nesting, huge numbers,
// long strings, broken bytes and encodings, odd content types.
import { mutateJson, mutateText, oddValue, Rng } from './fuzz-gen.ts';

export interface BodyCase {
  body: string | Uint8Array<ArrayBuffer>;
  /** null: no content-type header at all. */
  contentType: string | null;
  headers: Record<string, string>;
  /** What was done to the valid body, for the report. */
  note: string;
}

const TOOL = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const SCHEMA = { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } } };

function messages(r: Rng, tag: string): unknown[] {
  const user = { role: 'user', content: `Fuzz ${tag}: how do circuit breakers work?` };
  return r.pick([
    [user],
    [{ role: 'system', content: 'Be brief.' }, user],
    [{ role: 'user', content: [{ type: 'text', text: `Fuzz ${tag}` }] }],
    [user, { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'c1', content: 'sunny' }],
  ]);
}

/** A valid request using a random subset of the documented fields. */
function validBody(r: Rng, index: number): Record<string, unknown> {
  // Most cases are unique; the rest repeat, so cache hits and single-flight get fuzzed too.
  const body: Record<string, unknown> = { model: r.pick(['sim-small', 'sim-large', 'auto', 'small', 'large']), messages: messages(r, r.chance(0.7) ? String(index) : 'shared') };
  if (r.chance(0.4)) body.stream = true;
  if (body.stream && r.chance(0.5)) body.stream_options = { include_usage: true };
  if (r.chance(0.2)) body.n = 1 + r.int(3);
  if (r.chance(0.4)) body.temperature = r.pick([0, 0, 0.7, 2]);
  if (r.chance(0.2)) body.max_tokens = 1 + r.int(50);
  if (r.chance(0.2)) body.tools = [TOOL];
  if (r.chance(0.15)) body.response_format = r.pick([{ type: 'json_object' }, SCHEMA]);
  if (r.chance(0.4)) body.gateway = gatewayExtension(r);
  return body;
}

function gatewayExtension(r: Rng): Record<string, unknown> {
  const ext: Record<string, unknown> = {};
  if (r.chance(0.4)) ext.retrieval = { query: 'breakers', topK: 3, filters: { lang: 'en' }, maxContextTokens: 500 };
  if (r.chance(0.3)) ext.tools = [{ name: 'search', arguments: { q: 'x' } }];
  if (r.chance(0.3)) ext.priority = r.pick(['interactive', 'batch']);
  if (r.chance(0.3)) ext.prompt = { id: r.pick(['support', 'missing']), version: '1', variables: { name: 'x' } };
  if (r.chance(0.4)) ext.cache = r.pick(['default', 'bypass', 'refresh']);
  return ext;
}

/**
 * A placeholder for a value nested `depth` levels: spliced in as text by `serialize`, since
 * JSON.stringify itself overflows the test's stack on a few thousand levels.
 */
const deep = (depth: number, asObject: boolean) => `@@deep:${depth}:${asObject ? 'o' : 'a'}@@`;

function serialize(body: unknown): string {
  return JSON.stringify(body).replace(/"@@deep:(\d+):([oa])@@"/g, (_, depth: string, kind: string) =>
    kind === 'o' ? `${'{"a":'.repeat(Number(depth))}"leaf"${'}'.repeat(Number(depth))}` : `${'['.repeat(Number(depth))}"leaf"${']'.repeat(Number(depth))}`);
}

/** Where a deep value goes: fields the schema checks, passes through, or keys the cache on. */
const DEEP_AT = [
  ['messages', 0, 'meta'], ['messages', 0, 'content'], ['tools'], ['response_format'], ['stop'], ['logit_bias'], ['metadata'],
  ['gateway', 'retrieval', 'filters'], ['gateway', 'prompt', 'variables'], ['gateway', 'tools'],
] as const;

const FIELDS = [
  ['model'], ['messages'], ['messages', 0], ['messages', 0, 'role'], ['messages', 0, 'content'], ['stream'], ['stream_options'],
  ['n'], ['temperature'], ['top_p'], ['max_tokens'], ['max_completion_tokens'], ['tools'], ['response_format'], ['gateway'],
  ['gateway', 'retrieval'], ['gateway', 'retrieval', 'topK'], ['gateway', 'tools'], ['gateway', 'priority'], ['gateway', 'prompt'], ['gateway', 'cache'],
] as const;

const NUMBERS = [0, -1, 0.5, 129, 1e15, 1e308, -1e308, 2 ** 53 + 1, 'NaN'];

/** Sets a value at a path, creating the objects on the way. */
function setPath(root: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let at = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
    at = at[key] as Record<string | number, unknown>;
  }
  at[path.at(-1)!] = value;
}

/** One structural mutation of the parsed body; returns what it did. */
function mutateBody(r: Rng, body: Record<string, unknown>): string {
  switch (r.int(6)) {
    case 0: {
      const path = r.pick(DEEP_AT);
      const depth = r.pick([200, 1000, 3000, 5000]);
      setPath(body, path, deep(depth, r.chance(0.5)));
      if (r.chance(0.5)) body.temperature = 0;
      return `deep ${depth} at ${path.join('.')}${body.temperature === 0 ? ' (temperature 0)' : ''}`;
    }
    case 1: {
      const path = r.pick(FIELDS);
      setPath(body, path, r.chance(0.4) ? r.pick(NUMBERS) : oddValue(r));
      return `odd value at ${path.join('.')}`;
    }
    case 2: {
      const size = r.pick([10_000, 200_000, 1_200_000]);
      setPath(body, r.pick([['messages', 0, 'content'], ['model'], ['gateway', 'retrieval', 'query'], ['user']]), 'word '.repeat(size / 5));
      return `long string ${size}`;
    }
    default:
      mutateJson(r, body);
      return 'json mutation';
  }
}

const CONTENT_TYPES = [null, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/json; charset=utf-16'];
const TOP_LEVEL = ['', '[]', 'null', '1', '"x"', 'true', '{}', '[{"model":"sim-small","messages":[]}]', `${'['.repeat(5000)}${']'.repeat(5000)}`, `{"a":${'['.repeat(100_000)}`];
const BAD_BYTES = [[0xff, 0xfe], [0xc3], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x00]];
const BAD_ESCAPES = ['\\x41', '\\u00', '\\ud800', '\\U0001F600', '\\', '\\udc00\\ud800'];

/** Inserts raw bytes (not valid UTF-8) just inside the first string of the JSON text. */
function withBadBytes(r: Rng, text: string): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(text);
  const at = bytes.indexOf(0x22) + 1;
  return new Uint8Array([...bytes.subarray(0, at), ...r.pick(BAD_BYTES), ...bytes.subarray(at)]);
}

/** Cases that every run includes, whatever the seed: the known sharp edges. */
function fixedCase(index: number): BodyCase | undefined {
  const json = (body: unknown, note: string): BodyCase => ({ body: serialize(body), contentType: 'application/json', headers: {}, note });
  const base = { model: 'sim-small', messages: [{ role: 'user', content: 'deep' }], temperature: 0 };
  return [
    json({ ...base, messages: [{ role: 'user', content: 'deep', meta: deep(3000, false) }] }, 'fixed: deep 3000 in messages[0].meta (temperature 0)'),
    json({ ...base, tools: deep(5000, true) }, 'fixed: deep 5000 in tools (temperature 0)'),
    json({ ...base, temperature: 0.7, metadata: deep(5000, false) }, 'fixed: deep 5000 in metadata'),
    { body: TOP_LEVEL[8]!, contentType: 'application/json', headers: {}, note: 'fixed: top-level array 5000 deep' },
    { body: '', contentType: 'application/json', headers: {}, note: 'fixed: empty body' },
  ][index];
}

export function bodyCase(seed: number, index: number): BodyCase {
  const fixed = fixedCase(index);
  if (fixed) return fixed;
  const r = new Rng(seed, 2, index);
  const headers: Record<string, string> = {};
  if (r.chance(0.05)) headers['idempotency-key'] = `fuzz-${r.int(3)}`;
  if (r.chance(0.05)) headers.traceparent = r.pick(['garbage', '00-00000000000000000000000000000000-0000000000000000-01', `00-${'a'.repeat(32)}-${'b'.repeat(16)}-zz`]);
  const contentType = r.chance(0.9) ? 'application/json' : r.pick(CONTENT_TYPES);
  const body = validBody(r, index);
  const notes: string[] = [];
  for (let i = r.pick([0, 1, 1, 1, 2, 3]); i > 0; i--) notes.push(mutateBody(r, body));
  let text = serialize(body);
  const roll = r.int(100);
  if (roll < 10) {
    text = mutateText(r, text);
    notes.push('text mutation');
  } else if (roll < 13) {
    return { body: new Uint8Array(Array.from({ length: 1 + r.int(200) }, () => r.int(256))), contentType, headers, note: 'random bytes' };
  } else if (roll < 17) {
    return { body: r.pick(TOP_LEVEL), contentType, headers, note: 'top-level non-object' };
  } else if (roll < 20) {
    return { body: withBadBytes(r, text), contentType, headers, note: [...notes, 'invalid UTF-8'].join(', ') };
  } else if (roll < 23) {
    const at = text.indexOf('"content":"') + 11;
    text = text.slice(0, at) + r.pick(BAD_ESCAPES) + text.slice(at);
    notes.push('bad escape');
  }
  return { body: text, contentType, headers, note: notes.join(', ') || 'valid' };
}
