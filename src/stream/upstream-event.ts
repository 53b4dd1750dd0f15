import type { ChatChunk, ChunkChoice } from './types';

/** Choices and tool calls per event at most: OpenAI's bound on `n`, and the same for tool calls. */
const MAX_INDEX = 128;

export interface UpstreamEvent {
  /** A parsed upstream chunk whose shape the gateway can rely on. */
  chunk?: ChatChunk;
  /** The upstream sent an `{"error": …}` event mid-stream. */
  error?: { message?: string; code?: string | number; type?: string };
  /** Not JSON, or JSON that is not a chunk (a ping of some provider's): skipped and counted. */
  malformed?: boolean;
  /** A chunk whose fields have the wrong types: part of the answer may be lost, so the attempt fails. */
  invalid?: string;
}

/**
 * One upstream `data:` payload, checked like client input (design §5): a provider's event is never
 * trusted to have the shape its type claims. Cheap hand-written checks, not a schema library: this
 * runs for every token of every answer.
 */
export function parseEvent(data: string): UpstreamEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return { malformed: true };
  }
  if (!isObject(parsed)) return { malformed: true };
  if (parsed.error != null) {
    return { error: isObject(parsed.error) ? (parsed.error as UpstreamEvent['error'])! : { message: String(parsed.error) } };
  }
  if (parsed.choices === undefined) return { malformed: true };
  const invalid = chunkProblem(parsed);
  return invalid ? { invalid } : { chunk: parsed as unknown as ChatChunk };
}

/** What is wrong with a chunk's shape, or undefined; fills in what OpenAI-compatible servers may omit. */
function chunkProblem(chunk: Record<string, unknown>): string | undefined {
  if (!Array.isArray(chunk.choices)) return 'choices is not an array';
  if (chunk.choices.length > MAX_INDEX) return 'too many choices';
  for (const c of chunk.choices as unknown[]) {
    if (!isObject(c)) return 'a choice is not an object';
    c.index ??= 0;
    if (!isIndex(c.index)) return 'a choice index is not a small non-negative integer';
    c.delta ??= {};
    if (!isObject(c.delta)) return 'a delta is not an object';
    if (!isOptional(c.finish_reason, 'string')) return 'finish_reason is not a string';
    if (c.logprobs != null && !isObject(c.logprobs)) return 'logprobs is not an object';
    const problem = deltaProblem(c.delta);
    if (problem) return problem;
  }
  // Usage of the wrong shape loses no part of the answer: it is estimated instead (telemetry/usage.ts).
  return undefined;
}

function deltaProblem(d: Record<string, unknown>): string | undefined {
  for (const key of ['role', 'content', 'refusal'] as const) if (!isOptional(d[key], 'string')) return `delta.${key} is not a string`;
  if (d.tool_calls == null) return undefined;
  if (!Array.isArray(d.tool_calls)) return 'delta.tool_calls is not an array';
  if (d.tool_calls.length > MAX_INDEX) return 'too many tool calls';
  for (const t of d.tool_calls as unknown[]) {
    if (!isObject(t)) return 'a tool call is not an object';
    t.index ??= 0;
    if (!isIndex(t.index)) return 'a tool call index is not a small non-negative integer';
    if (!isOptional(t.id, 'string') || !isOptional(t.type, 'string')) return 'a tool call id or type is not a string';
    if (t.function == null) continue;
    if (!isObject(t.function)) return 'a tool call function is not an object';
    if (!isOptional(t.function.name, 'string') || !isOptional(t.function.arguments, 'string')) return 'a tool call name or arguments is not a string';
  }
  return undefined;
}

/**
 * Whether a choice of a chunk gives the client something: any delta field besides the role that
 * is not empty (text, reasoning, refusal, tool calls, annotations, audio …), a finish reason or
 * logprobs. The first such choice is the moment the answer has started — from then on no other
 * attempt may answer — and it meets the first-token deadline, whatever kind of delta it is.
 */
export function choiceCarries(choice: ChunkChoice): boolean {
  if (choice.finish_reason != null || choice.logprobs != null) return true;
  for (const key in choice.delta) {
    if (key === 'role') continue;
    const value = choice.delta[key];
    if (value != null && value !== '' && !(Array.isArray(value) && value.length === 0)) return true;
  }
  return false;
}

export const chunkCarries = (chunk: ChatChunk): boolean => chunk.choices.some(choiceCarries);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIndex = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) < MAX_INDEX;
const isOptional = (v: unknown, type: 'string'): boolean => v == null || typeof v === type;
