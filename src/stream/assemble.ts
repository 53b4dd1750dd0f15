import type { ChatChunk, ChunkChoice } from './types';

/** Chunk fields the gateway sets itself (re-framed) or handles apart; `obfuscation` is stream padding. */
const ENVELOPE = new Set(['id', 'object', 'created', 'model', 'choices', 'usage', 'obfuscation']);
/** Choice fields folded by their own rule. */
const CHOICE_OWN = new Set(['index', 'delta', 'finish_reason', 'logprobs']);
/**
 * Keys never folded: JSON.parse makes `__proto__` an own key, and assigning it would replace an
 * object's prototype — or, merged into `{}`'s, pollute every object in the isolate.
 */
const FORBIDDEN = '__proto__';
/** Inside a delta, fields that name something rather than add to it: the last value wins. */
const IDENTITY = new Set(['id', 'type', 'name', 'expires_at', 'index']);

type Json = Record<string, unknown>;

interface ChoiceState {
  index: number;
  message: Json;
  toolCalls: Map<number, Json>;
  logprobs: unknown;
  finish_reason: string | null;
  extra: Json;
}

/**
 * Folds a streamed answer into the one `chat.completion` object a non-streaming client expects,
 * for every choice, without dropping what the provider sent (design §5): text-like fields
 * (content, refusal, reasoning_content, reasoning, audio transcript …) are concatenated, list
 * fields (annotations, logprobs.content …) appended, tool calls merged by index, fields that name
 * something (ids, types, names) take their last value; top-level fields the provider adds
 * (system_fingerprint, service_tier …) are kept. Usage is the caller's: it is validated first.
 */
export class CompletionAssembler {
  private readonly choices = new Map<number, ChoiceState>();
  private readonly top: Json = {};

  add(chunk: ChatChunk): void {
    for (const key in chunk) if (!ENVELOPE.has(key) && key !== FORBIDDEN) keepLast(this.top, key, chunk[key]);
    for (const c of chunk.choices) this.fold(this.choice(c.index), c);
  }

  /** Every string the answer holds so far (for a usage estimate when the provider gave none). */
  text(): string {
    let out = '';
    for (const c of this.choices.values()) {
      for (const key in c.message) if (key !== 'role' && typeof c.message[key] === 'string') out += c.message[key] as string;
      for (const t of c.toolCalls.values()) out += String((t.function as Json | undefined)?.arguments ?? '');
    }
    return out;
  }

  /** The `chat.completion` body (without usage, which the caller adds once validated). */
  result(id: string, created: number, model: string): Json {
    const choices = [...this.choices.values()]
      .sort((a, b) => a.index - b.index)
      .map((c) => {
        const message = c.toolCalls.size ? { ...c.message, tool_calls: [...c.toolCalls.entries()].sort(([a], [b]) => a - b).map(([, t]) => t) } : c.message;
        return { index: c.index, message, logprobs: c.logprobs ?? null, finish_reason: c.finish_reason, ...c.extra };
      });
    return { id, object: 'chat.completion', created, model, ...this.top, choices };
  }

  private fold(state: ChoiceState, c: ChunkChoice): void {
    if (c.finish_reason) state.finish_reason = c.finish_reason;
    if (c.logprobs != null) state.logprobs = merge(state.logprobs, c.logprobs);
    for (const key in c) if (!CHOICE_OWN.has(key) && key !== FORBIDDEN) keepLast(state.extra, key, (c as unknown as Json)[key]);
    const delta = c.delta;
    for (const key in delta) {
      if (key === FORBIDDEN) continue;
      const value = delta[key];
      if (key === 'role') {
        if (typeof value === 'string') state.message.role = value;
      } else if (key === 'tool_calls') {
        for (const t of (value as Json[] | null) ?? []) state.toolCalls.set(t.index as number, merge(state.toolCalls.get(t.index as number), withoutIndex(t)) as Json);
      } else {
        state.message[key] = merge(state.message[key], value);
      }
    }
  }

  private choice(index: number): ChoiceState {
    let choice = this.choices.get(index);
    if (!choice) {
      choice = { index, message: { role: 'assistant', content: null, refusal: null }, toolCalls: new Map(), logprobs: null, finish_reason: null, extra: {} };
      this.choices.set(index, choice);
    }
    return choice;
  }
}

/** Adds one delta value to what a field holds so far. Never aliases the chunk's own arrays or objects. */
function merge(prev: unknown, next: unknown): unknown {
  if (next == null) return prev === undefined ? next : prev;
  if (typeof next === 'string') return typeof prev === 'string' ? prev + next : next;
  if (Array.isArray(next)) {
    if (!Array.isArray(prev)) return [...next];
    prev.push(...next);
    return prev;
  }
  if (typeof next === 'object') {
    const out = (typeof prev === 'object' && prev !== null && !Array.isArray(prev) ? prev : {}) as Json;
    for (const key in next as Json) {
      if (key === FORBIDDEN) continue;
      const value = (next as Json)[key];
      out[key] = IDENTITY.has(key) ? (value ?? out[key]) : merge(out[key], value);
    }
    return out;
  }
  return next;
}

/** A tool call as the message lists it: the stream's `index` is its position, not a field. */
function withoutIndex({ index: _index, ...rest }: Json): Json {
  return rest;
}

function keepLast(into: Json, key: string, value: unknown): void {
  if (value != null || !(key in into)) into[key] = value;
}
