// Seeded generators for the fuzz test (the eval set's mulberry32): JSON-level and byte-level
// mutations, and mutated provider scripts built from the transparency corpus. Every case derives
// from (seed, kind, index) alone, so a failing case replays without the rest of the run.
import { rng as mulberry32 } from '../../eval/passages.ts';
import type { ProviderScript } from '../../sim/script.ts';
import { CORPUS } from './corpus.ts';

export class Rng {
  private readonly next: () => number;

  /** The generator for one case: `salt` keeps the kinds of case (events, bodies) apart. */
  constructor(seed: number, salt: number, index: number) {
    this.next = mulberry32(seed ^ Math.imul(salt, 0x85ebca6b) ^ Math.imul(index + 1, 0x9e3779b1));
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** `depth` levels of arrays or objects around a leaf. */
export function nested(depth: number, asObject: boolean, leaf: unknown = 'leaf'): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asObject ? { a: v } : [v];
  return v;
}

const STRINGS = ['', 'NaN', 'Infinity', 'null', '[DONE]', '😀🧪', 'e\u0301', '\u202eabc', '\u0000\u0001', '\ud800', '\udfff\ud800', '\uffff', 'data: x\n\n'];

/** Values of every JSON type, and the awkward corners of each. */
export function oddValue(r: Rng): unknown {
  switch (r.int(14)) {
    case 0: return null;
    case 1: return r.pick([0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.5, -0.0, 1e-320]);
    case 2: return r.pick(STRINGS);
    case 3: return r.pick([true, false]);
    case 4: return r.pick([[], [null], [1, 'a'], [[]]]);
    case 5: return r.pick([{}, { a: 1 }, { toString: 'x' }, { valueOf: 1, toString: {} }, JSON.parse('{"__proto__":{"polluted":1}}')]);
    case 6: return nested(200, r.chance(0.5));
    case 7: return 'x'.repeat(100_000);
    case 8: return '😀'.repeat(20_000);
    default: return r.pick([null, -1, 'str', 42, [], {}, true, 1e308]);
  }
}

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

/** Every (parent, key) slot of a JSON tree, down to a modest depth. */
function slots(value: unknown, out: Slot[] = [], depth = 0): Slot[] {
  if (depth > 8 || typeof value !== 'object' || value === null) return out;
  for (const [key, child] of Object.entries(value)) {
    out.push({ parent: value as Slot['parent'], key: Array.isArray(value) ? Number(key) : key });
    slots(child, out, depth + 1);
  }
  return out;
}

/** One JSON-level change, in place: delete, replace with an odd value, wrap in an array, add a key. */
export function mutateJson(r: Rng, root: Record<string, unknown>): void {
  const all = slots(root);
  if (all.length === 0 || r.chance(0.1)) {
    root[r.pick(['extra', 'choices', 'error', 'usage', 'constructor'])] = oddValue(r);
    return;
  }
  const { parent, key } = r.pick(all);
  const target = parent as Record<string | number, unknown>;
  const op = r.int(4);
  if (op === 0) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete target[key];
  } else if (op === 1) target[key] = [target[key]];
  else target[key] = oddValue(r);
}

const NOISE = ['"', '{', '}', '[', ']', ',', ':', '\\', '\\u', '\\ud800', '\n', '\r', '\r\n', '\n\n', '\u0000', 'é', '😀', ' ', 'data: ', '[DONE]', 'x'];

/** One byte-level change to serialized JSON: flip, insert or delete a character, truncate. */
export function mutateText(r: Rng, text: string): string {
  const at = r.int(text.length + 1);
  switch (r.int(5)) {
    case 0: return text.slice(0, at) + r.pick(NOISE) + text.slice(at + 1);
    case 1: return text.slice(0, at) + r.pick(NOISE) + text.slice(at);
    case 2: return text.slice(0, at) + text.slice(at + 1 + r.int(4));
    case 3: return text.slice(0, at);
    default: return String.fromCharCode(...[...text.slice(0, 64)].map((c) => c.charCodeAt(0) ^ (1 << r.int(7)))) + text.slice(64);
  }
}

/** A key-shaped secret a provider echoes in an error message; it must never reach a client. */
export const LEAKED_KEY = 'sk-leak-0123456789abcdef';

const ODD_ERRORS: unknown[] = [
  { error: 'overloaded' }, { error: 5 }, { error: [] }, { error: true }, { error: {} },
  { error: { message: 5, code: {}, type: [] } }, { error: { message: { toString: 'x' } } },
  { error: { message: 'x'.repeat(100_000), code: 500 } }, { error: { code: 'internal_error', message: 'upstream says so' } },
  { error: nested(200, true) }, { error: { message: `Bearer ${LEAKED_KEY}` } }, { error: { message: `Incorrect API key provided: ${LEAKED_KEY}`, code: 'invalid_api_key' } }, { error: null, choices: 5 },
];
const RAW_EVENTS = ['', 'null', '[]', '42', '"str"', '{}', 'true', '[DONE]', '{"choices":[]}', '{"choices":null}', '{"choices":{}}', '{not json', '\ud83d', '{"choices":[{"delta":{"content":"\\ud83d"}}]}'];

export interface EventsCase {
  script: ProviderScript;
  /** Extra request fields of the corpus answer it came from (n, tools, logprobs). */
  request: Record<string, unknown>;
  stream: boolean;
  /** Events in the script ($wait pauses excluded). */
  events: number;
  /** Of those, the ones a mutation produced or changed. */
  mutated: number;
}

/** A corpus answer padded to ~16 events, then mutated event by event. */
export function eventsCase(seed: number, index: number): EventsCase {
  const r = new Rng(seed, 1, index);
  const base = r.pick(CORPUS);
  const body = base.events.slice(0, -1);
  const middle = body.slice(1, -1);
  while (body.length < 14 + r.int(6)) body.splice(1 + r.int(body.length - 1), 0, r.pick(middle.length ? middle : body));
  const plain = [...body, base.events.at(-1)!, '[DONE]'].map((e) => structuredClone(e) as unknown);
  const rate = r.pick([0.02, 0.08, 0.2, 0.4]);
  const out: unknown[] = [];
  let mutated = 0;
  for (const event of plain) {
    if (!r.chance(rate)) {
      out.push(event);
      continue;
    }
    mutated++;
    out.push(...mutateEvent(r, event));
  }
  const end = r.pick(['close', 'close', 'close', 'close', 'close', 'cut', 'stall', 'stall'] as const);
  // A cut or a stall mostly strikes mid-answer, before [DONE].
  if (end !== 'close' && r.chance(0.7)) out.length = r.int(out.length);
  const script: ProviderScript = { events: out, end };
  if (r.chance(0.06)) Object.assign(script, httpFault(r));
  return {
    script,
    request: base.request,
    stream: r.chance(0.5),
    events: out.filter((e) => !isWait(e)).length,
    mutated,
  };
}

const isWait = (e: unknown) => typeof e === 'object' && e !== null && '$wait' in e;

/** The events that replace one event. */
function mutateEvent(r: Rng, event: unknown): unknown[] {
  const obj = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : undefined;
  switch (r.int(obj ? 12 : 6)) {
    case 0: return [{ $wait: r.int(51) }, event];
    case 1: return [event, event];
    case 2: return [r.pick(ODD_ERRORS), event];
    case 3: return [r.pick(RAW_EVENTS)];
    case 4: return [mutateText(r, typeof event === 'string' ? event : JSON.stringify(event))];
    case 5: return [];
    case 6: return [{ ...obj, choices: oddValue(r) }];
    case 7: {
      const text = mutateText(r, JSON.stringify(event));
      return [r.chance(0.3) ? mutateText(r, text) : text];
    }
    case 8: return [withContent(obj!, r.pick(['x'.repeat(100_000), '😀\ud800\udc00\udfff', nested(200, r.chance(0.5)), r.chance(0.1) ? 'y'.repeat(1_100_000) : '']))];
    default: {
      const copy = obj!;
      for (let i = 1 + r.int(3); i > 0; i--) mutateJson(r, copy);
      return [copy];
    }
  }
}

function withContent(chunk: Record<string, unknown>, content: unknown): Record<string, unknown> {
  return { ...chunk, choices: [{ index: 0, delta: { content }, finish_reason: null }] };
}

/** An HTTP-level answer instead of the stream: odd statuses, bodies and headers. */
function httpFault(r: Rng): ProviderScript {
  const headers = r.pick<Record<string, string>>([
    {}, { 'retry-after': r.pick(['0', '-1', 'abc', '1e9', '99999999999999999999', 'Fri, 31 Dec 9999 23:59:59 GMT', '']) },
    { 'content-type': r.pick(['application/json', 'text/html', 'application/octet-stream']) }, { 'content-encoding': 'gzip' },
  ]);
  const status = r.pick([200, 200, 301, 400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504, 529]);
  return { status, headers, json: r.pick([...ODD_ERRORS, 'not json', '', { error: { message: 'bad', code: 'x', param: 5 } }]) };
}
