import type { Usage } from '../telemetry/trace';

/** What the cache keeps of an answer: the assembled choices and the usage it cost the first time. */
export interface CachedAnswer {
  v: 1;
  model: string;
  choices: Array<{
    index: number;
    message: { role: 'assistant'; content: string | null; refusal: string | null; tool_calls?: unknown[] };
    finish_reason: string | null;
  }>;
  usage: Usage | null;
}

/** From the `chat.completion` body the assembler produced. */
export function toCached(completion: Record<string, unknown>): CachedAnswer {
  return {
    v: 1,
    model: completion.model as string,
    choices: (completion.choices as CachedAnswer['choices']).map(({ index, message, finish_reason }) => ({ index, message, finish_reason })),
    usage: (completion.usage as Usage | null) ?? null,
  };
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
  return isFinished(answer) && answer.choices.every((c) => c.finish_reason !== 'length');
}

export function replayJson(answer: CachedAnswer, id: string, created: number): Record<string, unknown> {
  return { id, object: 'chat.completion', created, model: answer.model, choices: answer.choices.map((c) => ({ ...c, logprobs: null })), usage: answer.usage };
}

/**
 * The chunks a live stream would have sent after its role chunk: the text in word-sized deltas,
 * tool calls, the finish reason. (Usage, when asked for, is the caller's: it carries metadata.)
 */
export function replayChunks(answer: CachedAnswer): Array<{ index: number; delta: Record<string, unknown>; finish_reason: string | null }> {
  const out: Array<{ index: number; delta: Record<string, unknown>; finish_reason: string | null }> = [];
  for (const c of answer.choices) {
    for (const piece of (c.message.content ?? '').match(/\S*\s*/g) ?? []) if (piece) out.push({ index: c.index, delta: { content: piece }, finish_reason: null });
    if (c.message.tool_calls?.length) {
      out.push({ index: c.index, delta: { tool_calls: c.message.tool_calls.map((t, i) => ({ index: i, ...(t as object) })) }, finish_reason: null });
    }
    out.push({ index: c.index, delta: {}, finish_reason: c.finish_reason });
  }
  return out;
}
