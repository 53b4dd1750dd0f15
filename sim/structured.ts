// Structured answers: JSON generated from a request's `response_format` schema and tool calls whose
// arguments are generated from the tool's parameters schema — deterministic (seeded by the model,
// the request's `seed` and the prompt), so contract tests and replay evals can run against the sim.
// Faults make them break on purpose: sloppy (repairable) JSON, a wrong type, a refusal.
import { isRecord } from './http.ts';
import { contentText, hash32 } from './text.ts';
import type { SimAnswer, SimMessage } from './text.ts';

type Schema = Record<string, unknown>;

/** What the sim's structured answer is: JSON content, a tool call, or a refusal. */
export type Structured =
  | { kind: 'json'; text: string }
  | { kind: 'tool'; name: string; arguments: string }
  | { kind: 'refusal'; text: string };

export interface StructuredFaults {
  /** Every JSON answer and tool call violates its schema: camelCase keys and a wrong type, re-asks included. */
  contractViolation?: boolean;
  /** This share of JSON answers and tool calls (by a hash of the prompt) is sloppy but repairable: fenced, camelCase keys, a trailing comma. */
  sloppyJsonShare?: number;
  /** This share (by a hash of the prompt, taken after the sloppy share) has a wrong type: only a re-ask can fix it. */
  invalidJsonShare?: number;
  /** Refuse (`message.refusal`) prompts that read like a prompt injection (INJECTION). */
  refuseInjections?: boolean;
}

export interface StructuredRequest {
  model: string;
  messages: readonly SimMessage[];
  seed?: unknown;
  responseFormat?: unknown;
  tools?: unknown;
  toolChoice?: unknown;
}

export const REFUSAL_TEXT = "I can't help with that request.";

/** What `refuseInjections` refuses: the usual phrasings of an attempt to override instructions. */
export const INJECTION =
  /ignore (?:all |any |the |your )?(?:previous|prior|above|earlier) (?:instructions|rules)|(?:reveal|print|show|repeat) (?:me )?(?:your|the) (?:system prompt|hidden instructions)|developer mode|\bDAN\b|jailbreak/i;

/** A seeded generator: xorshift32 over FNV-1a of the seed text. */
export class Rng {
  #state: number;
  constructor(seed: string) {
    this.#state = hash32(seed) || 1;
  }
  next(): number {
    let s = this.#state;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.#state = s >>> 0;
    return this.#state;
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return max <= min ? min : min + (this.next() % (max - min + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[this.next() % list.length]!;
  }
}

/** Caps on what one schema can make the sim generate. */
const MAX_VALUES = 2000;
const MAX_ITEMS = 20;
const MAX_STRING = 2000;

const WORDS = ['alpha', 'berlin', 'copper', 'delta', 'ember', 'fjord', 'garnet', 'harbor', 'indigo', 'juniper', 'kestrel', 'lumen', 'maple', 'nova', 'onyx', 'pepper', 'quartz', 'river', 'saffron', 'tundra'];

/**
 * A value that matches `schema`: types (string, number, integer, boolean, null, array, object, a
 * list of types), `enum`, `const`, `anyOf`/`oneOf` (the first branch), `properties` (every one)
 * and `required` (a named property without a schema gets a string), string `format`s date,
 * date-time, email, uri and uuid, min/max length, bounds and item counts. `$ref` and `pattern`
 * are not followed: such a value is a plain string.
 */
export function valueFor(schema: unknown, rng: Rng, depth = 0, budget = { values: MAX_VALUES }): unknown {
  // Bounded whatever the schema says (the sim also answers fuzzed requests): depth, values, sizes.
  if (!isRecord(schema) || depth > 8 || --budget.values < 0) return rng.pick(WORDS);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return rng.pick(schema.enum);
  const branches = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(branches) && branches.length) {
    return valueFor(branches.find((b) => !(isRecord(b) && b.type === 'null')) ?? branches[0], rng, depth + 1, budget);
  }
  switch (typeOf(schema)) {
    case 'object': {
      const props = isRecord(schema.properties) ? schema.properties : {};
      const out: Record<string, unknown> = {};
      for (const [name, child] of Object.entries(props)) out[name] = valueFor(child, rng, depth + 1, budget);
      for (const name of Array.isArray(schema.required) ? schema.required : []) {
        if (typeof name === 'string' && !(name in out)) out[name] = rng.pick(WORDS);
      }
      return out;
    }
    case 'array': {
      const min = Math.min(MAX_ITEMS, Math.max(0, num(schema.minItems) ?? 1));
      const max = Math.max(min, num(schema.maxItems) ?? 3);
      return Array.from({ length: rng.int(min, Math.min(max, min + 2)) }, () => valueFor(schema.items, rng, depth + 1, budget));
    }
    case 'integer': {
      const [lo, hi] = bounds(schema, 0, 100);
      return rng.int(Math.ceil(lo), Math.floor(hi));
    }
    case 'number': {
      const [lo, hi] = bounds(schema, 0, 100);
      return Math.round((lo + ((rng.next() % 10_000) / 10_000) * (hi - lo)) * 100) / 100;
    }
    case 'boolean':
      return rng.next() % 2 === 0;
    case 'null':
      return null;
    default:
      return stringFor(schema, rng);
  }
}

function typeOf(schema: Schema): string {
  const t = Array.isArray(schema.type) ? (schema.type.find((x) => x !== 'null') ?? schema.type[0]) : schema.type;
  if (typeof t === 'string') return t;
  if (isRecord(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return 'string';
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function bounds(schema: Schema, lo: number, hi: number): [number, number] {
  const min = num(schema.minimum) ?? (num(schema.exclusiveMinimum) !== undefined ? num(schema.exclusiveMinimum)! + 1 : undefined) ?? lo;
  const max = num(schema.maximum) ?? (num(schema.exclusiveMaximum) !== undefined ? num(schema.exclusiveMaximum)! - 1 : undefined) ?? Math.max(min, hi);
  return [min, Math.max(min, max)];
}

function stringFor(schema: Schema, rng: Rng): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `2026-${two(rng.int(1, 12))}-${two(rng.int(1, 28))}`;
  let s: string;
  switch (schema.format) {
    case 'date': s = date; break;
    case 'date-time': s = `${date}T${two(rng.int(0, 23))}:${two(rng.int(0, 59))}:00Z`; break;
    case 'email': s = `${rng.pick(WORDS)}@example.com`; break;
    case 'uri': case 'url': s = `https://example.com/${rng.pick(WORDS)}`; break;
    case 'uuid': {
      const hex = Array.from({ length: 4 }, () => rng.next().toString(16).padStart(8, '0')).join('');
      s = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
      break;
    }
    default: s = Array.from({ length: rng.int(1, 3) }, () => rng.pick(WORDS)).join(' ');
  }
  const min = Math.min(MAX_STRING, num(schema.minLength) ?? 0);
  const max = num(schema.maxLength);
  while (s.length < min) s += ` ${rng.pick(WORDS)}`;
  return max !== undefined ? s.slice(0, max) : s;
}

/**
 * The same value broken so that no local repair can fix it: object keys in camelCase (repairable
 * on its own) and the first scalar property of the wrong type (not); without one, the first
 * required property dropped; a scalar root of the wrong type.
 */
export function violate(value: unknown, schema: unknown): unknown {
  if (!isRecord(value)) return wrongType(value);
  const s = isRecord(schema) ? schema : {};
  const props = isRecord(s.properties) ? s.properties : {};
  const names = Object.keys(value);
  const flip = names.find((n) => value[n] === null || typeof value[n] !== 'object');
  const out: Record<string, unknown> = {};
  for (const n of names) out[camel(n)] = n === flip ? wrongType(value[n]) : value[n];
  if (flip === undefined) {
    const required = (Array.isArray(s.required) ? s.required : Object.keys(props)).find((n) => typeof n === 'string' && camel(n) in out);
    if (required === undefined) return 'not an object';
    delete out[camel(required)];
  }
  return out;
}

const wrongType = (v: unknown): unknown => (typeof v === 'string' ? 12345 : typeof v === 'number' || typeof v === 'boolean' ? 'not a number' : 0);
const camel = (key: string) => key.replace(/[_-]([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The JSON text written sloppily, as models do: fenced, keys camelCased, a trailing comma. */
export function sloppy(value: unknown): string {
  const recase = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(recase) : isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [camel(k), recase(x)])) : v;
  const text = JSON.stringify(recase(value), null, 1).replace(/\n(\s*)\}$/, ',\n$1}');
  return `\`\`\`json\n${text}\n\`\`\``;
}

interface Tool {
  name: string;
  parameters: unknown;
}

function toolsOf(tools: unknown): Tool[] {
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((t) => (isRecord(t) && isRecord(t.function) && typeof t.function.name === 'string' ? [{ name: t.function.name, parameters: t.function.parameters ?? {} }] : []));
}

/**
 * The tool the sim calls, if any: the one `tool_choice` names; with "required", the tool the
 * prompt names or else the first; with "auto" (or none given), the tool the last user message
 * names (`get_weather` or "get weather"). Never after a tool result, nor with "none".
 */
export function chosenTool(req: StructuredRequest, asked: string): Tool | undefined {
  const tools = toolsOf(req.tools);
  if (!tools.length || req.toolChoice === 'none' || req.messages.at(-1)?.role === 'tool') return undefined;
  const choice = req.toolChoice;
  if (isRecord(choice) && isRecord(choice.function)) return tools.find((t) => t.name === (choice.function as Schema).name);
  // Named as a whole word: a tool called `f` is not asked for by every prompt with an "f" in it.
  const names = (t: Tool) => [t.name, t.name.replace(/_/g, ' ')].map((n) => new RegExp(`(?<![\\w])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w])`, 'i'));
  const named = tools.find((t) => names(t).some((re) => re.test(asked)));
  return named ?? (choice === 'required' ? tools[0] : undefined);
}

/** The sim's structured answer to a request, or undefined for its usual lorem text. */
export function structuredAnswer(req: StructuredRequest, faults: StructuredFaults = {}): Structured | undefined {
  const lastUser = [...req.messages].reverse().find((m) => m.role === 'user');
  const asked = contentText(lastUser?.content);
  if (faults.refuseInjections && INJECTION.test(asked)) return { kind: 'refusal', text: REFUSAL_TEXT };
  const tool = chosenTool(req, asked);
  const format = isRecord(req.responseFormat) ? req.responseFormat : undefined;
  const schema = format?.type === 'json_schema' && isRecord(format.json_schema) ? (format.json_schema.schema ?? {}) : format?.type === 'json_object' ? {} : undefined;
  if (!tool && schema === undefined) return undefined;
  const target = tool ? tool.parameters : schema;
  const rng = new Rng(`${req.model}\n${String(req.seed ?? '')}\n${tool?.name ?? ''}\n${asked}`);
  const value = isRecord(target) && Object.keys(target).length ? valueFor(target, rng) : { answer: Array.from({ length: 3 }, () => rng.pick(WORDS)).join(' ') };
  const text = writeJson(value, target, asked, faults);
  return tool ? { kind: 'tool', name: tool.name, arguments: text } : { kind: 'json', text };
}

/** How the JSON is written: as is, sloppily or with a wrong type (faults; shares by a hash of the prompt). */
function writeJson(value: unknown, schema: unknown, asked: string, faults: StructuredFaults): string {
  if (faults.contractViolation) return JSON.stringify(violate(value, schema));
  const draw = (hash32(`json\n${asked}`) % 1000) / 1000;
  const sloppyShare = faults.sloppyJsonShare ?? 0;
  if (draw < sloppyShare) return sloppy(value);
  if (draw < sloppyShare + (faults.invalidJsonShare ?? 0)) return JSON.stringify(violate(value, schema));
  return JSON.stringify(value);
}

/** Content pieces as streamed: four characters each (about a token each). */
export function pieces(text: string): string[] {
  return text.match(/[\s\S]{1,4}/g) ?? [];
}

/**
 * A structured answer as the sim sends it: the JSON (or the refusal) in four-character pieces,
 * capped by `max_tokens` (then cut, finish "length"); a tool call finishes "tool_calls".
 */
export function structuredSimAnswer(s: Structured, id: string, maxTokens?: number): SimAnswer {
  const all = pieces(s.kind === 'tool' ? s.arguments : s.text);
  const capped = maxTokens !== undefined && maxTokens < all.length;
  const tokens = capped ? all.slice(0, Math.max(0, Math.floor(maxTokens))) : all;
  return {
    tokens,
    text: tokens.join(''),
    finishReason: capped ? 'length' : s.kind === 'tool' ? 'tool_calls' : 'stop',
    ...(s.kind === 'tool' ? { toolCall: { id, name: s.name } } : s.kind === 'refusal' ? { refusal: true } : {}),
  };
}
