import type { Usage } from '../telemetry/trace';

type Json = Record<string, unknown>;

/**
 * What the cache keeps of an answer: the assembled choices as the provider gave them (every
 * message field, logprobs included), the provider's own top-level fields (system_fingerprint,
 * service_tier …) and the usage it cost the first time. Version 2: entries of other versions
 * read as a miss.
 */
export interface CachedAnswer {
  v: 2;
  model: string;
  choices: Array<{ index: number; message: Json; finish_reason: string | null; logprobs?: unknown; [k: string]: unknown }>;
  usage: Usage | null;
  /** Top-level fields of the provider's answer besides the envelope. */
  extra: Json;
}

const ENVELOPE = new Set(['id', 'object', 'created', 'model', 'choices', 'usage', 'gateway']);

/** From the `chat.completion` body the assembler produced. */
export function toCached(completion: Json): CachedAnswer {
  const extra: Json = {};
  for (const key in completion) if (!ENVELOPE.has(key)) extra[key] = completion[key];
  return {
    v: 2,
    model: completion.model as string,
    choices: completion.choices as CachedAnswer['choices'],
    usage: (completion.usage as Usage | null) ?? null,
    extra,
  };
}

/** An entry written by this version of the gateway, readable as an answer. */
export function isCachedAnswer(value: unknown): value is CachedAnswer {
  const a = value as CachedAnswer | null;
  return !!a && a.v === 2 && Array.isArray(a.choices) && typeof a.extra === 'object' && a.extra !== null;
}

/**
 * Every choice ended with a finish reason: an answer identical requests waiting on it may share,
 * even one cut at their (identical) max_tokens — which is still never stored.
 */
export function isFinished(answer: CachedAnswer): boolean {
  return answer.choices.length > 0 && answer.choices.every((c) => c.finish_reason !== null);
}

/** A complete answer only (what may be stored): every choice finished, none truncated by max_tokens. */
export function isComplete(answer: CachedAnswer): boolean {
  // Only an answer that ended on its own: `length` and `content_filter` cut it short (§5).
  return isFinished(answer) && answer.choices.every((c) => c.finish_reason === 'stop' || c.finish_reason === 'tool_calls' || c.finish_reason === 'function_call');
}

export function replayJson(answer: CachedAnswer, id: string, created: number): Json {
  return { id, object: 'chat.completion', created, model: answer.model, ...answer.extra, choices: answer.choices, usage: answer.usage };
}

type ReplayChoice = { index: number; delta: Json; logprobs?: unknown; finish_reason: string | null };

/**
 * The chunks a live stream would have sent after its role chunk: other message fields first
 * (reasoning, annotations, audio …), then the text in word-sized deltas, the refusal, the tool
 * calls, and the finish reason with the logprobs. (Usage, when asked for, is the caller's: it
 * carries metadata.) Folding these chunks gives back the same message.
 */
export function replayChunks(answer: CachedAnswer): ReplayChoice[] {
  const out: ReplayChoice[] = [];
  for (const c of answer.choices) {
    const { index, message, finish_reason, logprobs } = c;
    const { role: _role, content, refusal, tool_calls: toolCalls, ...other } = message;
    const delta = (d: Json) => out.push({ index, delta: d, finish_reason: null });
    for (const [key, value] of Object.entries(other)) if (value != null && value !== '') delta({ [key]: value });
    if (typeof content === 'string') for (const piece of content.match(/\S*\s*/g) ?? []) if (piece) delta({ content: piece });
    if (typeof refusal === 'string' && refusal) delta({ refusal });
    if (Array.isArray(toolCalls) && toolCalls.length) delta({ tool_calls: toolCalls.map((t, i) => ({ index: i, ...(t as Json) })) });
    out.push({ index, delta: {}, ...(logprobs != null ? { logprobs } : {}), finish_reason });
  }
  return out;
}
