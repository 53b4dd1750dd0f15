// OpenAI chat-completions wire shapes: reading the request, building responses and chunks.
import { isRecord } from './http.ts';
import type { FinishReason, SimMessage } from './text.ts';

export interface ChatRequest {
  model: string;
  messages: SimMessage[];
  stream: boolean;
  includeUsage: boolean;
  /** `max_completion_tokens`, else `max_tokens`. */
  maxTokens?: number;
  /** Choices to generate (`n`), 1 when absent. */
  n: number;
}

export interface ParseError {
  message: string;
  param: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

export interface Delta {
  role?: 'assistant';
  content?: string;
  reasoning_content?: string;
  refusal?: string;
  tool_calls?: ToolCallDelta[];
}

export interface ChunkChoice {
  index: number;
  delta: Delta;
  finish_reason: FinishReason | null;
}

/** Reads just enough of the request to answer it; rejects what OpenAI would reject. */
export function parseChatRequest(value: unknown): ChatRequest | ParseError {
  if (!isRecord(value)) return { message: 'Request body must be a JSON object.', param: '' };
  const { model, messages, stream, stream_options: options } = value;
  if (typeof model !== 'string' || model === '') return { message: "'model' must be a non-empty string.", param: 'model' };
  if (!Array.isArray(messages) || !messages.every((m) => isRecord(m) && typeof m.role === 'string')) {
    return { message: "'messages' must be an array of messages with a 'role'.", param: 'messages' };
  }
  const max = value.max_completion_tokens ?? value.max_tokens;
  if (max !== undefined && max !== null && (typeof max !== 'number' || !Number.isInteger(max) || max < 0)) {
    return { message: "'max_tokens' must be a non-negative integer.", param: 'max_tokens' };
  }
  const n = value.n ?? 1;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 128) return { message: "'n' must be an integer from 1 to 128.", param: 'n' };
  return {
    model,
    n,
    messages: messages as SimMessage[],
    stream: stream === true,
    includeUsage: isRecord(options) && options.include_usage === true,
    maxTokens: typeof max === 'number' ? max : undefined,
  };
}

export function isParseError(value: ChatRequest | ParseError): value is ParseError {
  return 'param' in value;
}

export function completionBody(
  id: string,
  created: number,
  model: string,
  content: string,
  finishReason: FinishReason,
  usage: Usage | undefined,
  { n = 1, reasoning, toolCall, refusal }: { n?: number; reasoning?: string; toolCall?: { id: string; name: string }; refusal?: boolean } = {},
) {
  // A tool call's or a refusal's text goes in its own field; content is then null.
  const message = {
    role: 'assistant' as const,
    content: toolCall || refusal ? null : content,
    refusal: refusal ? content : null,
    ...(toolCall ? { tool_calls: [{ id: toolCall.id, type: 'function' as const, function: { name: toolCall.name, arguments: content } }] } : {}),
    ...(reasoning ? { reasoning_content: reasoning } : {}),
  };
  return {
    id,
    object: 'chat.completion' as const,
    created,
    model,
    choices: Array.from({ length: n }, (_, index) => ({ index, message, logprobs: null, finish_reason: finishReason })),
    ...(usage ? { usage } : {}),
  };
}

/**
 * One `chat.completion.chunk`. Like OpenAI, when usage was requested every chunk carries
 * `usage` (null except on the final, choice-less chunk).
 */
export function chunkBody(
  id: string,
  created: number,
  model: string,
  choices: ChunkChoice[],
  usage: Usage | null | undefined,
) {
  return {
    id,
    object: 'chat.completion.chunk' as const,
    created,
    model,
    choices,
    ...(usage !== undefined ? { usage } : {}),
  };
}

export function modelList(ids: readonly string[]) {
  return {
    object: 'list' as const,
    data: ids.map((id) => ({ id, object: 'model' as const, created: 1_767_225_600, owned_by: 'sim' })),
  };
}

export type ChatCompletion = ReturnType<typeof completionBody>;
export type ChatCompletionChunk = ReturnType<typeof chunkBody>;
export type ModelList = ReturnType<typeof modelList>;

export function usageOf(prompt: number, completion: number): Usage {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}
