// Deterministic text and token counts, so tests can compute exactly what the sim will say.

/** Completion length when neither a fault nor max_tokens says otherwise. */
export const DEFAULT_COMPLETION_TOKENS = 40;

export type FinishReason = 'stop' | 'length' | 'tool_calls';

/** The part of an OpenAI chat message the sim reads; content may be a string, text parts, or null. */
export interface SimMessage {
  role: string;
  content?: unknown;
}

export interface SimAnswer {
  /** Content pieces exactly as streamed: each word, with a leading space except the first. */
  tokens: string[];
  /** `tokens.join('')`: the full assistant content. */
  text: string;
  finishReason: FinishReason;
  /** The tokens are this tool call's arguments, not content (sim/structured.ts). */
  toolCall?: { id: string; name: string };
  /** The tokens are a refusal (`message.refusal`), not content. */
  refusal?: boolean;
}

const LOREM = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et ' +
  'dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea ' +
  'commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur'
).split(' ');

/** FNV-1a: a stable 32-bit hash for seeding. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** `count` lorem words, the same for the same seed. */
export function loremWords(seed: string, count: number): string[] {
  let state = hash32(seed) || 1;
  const words: string[] = [];
  for (let i = 0; i < count; i++) {
    // xorshift32: cheap and deterministic
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    words.push(LOREM[state % LOREM.length]!);
  }
  return words;
}

/** The text of a message content: the string itself, or the text parts of an array. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string' ? part.text : '',
    )
    .join('');
}

/** `ceil(total content characters / 4)`, the sim's prompt token count. */
export function promptTokens(messages: readonly SimMessage[]): number {
  const chars = messages.reduce((sum, m) => sum + contentText(m.content).length, 0);
  return Math.ceil(chars / 4);
}

/**
 * The small model's weakness, so routing has a real price: for a request whose OpenAI `metadata`
 * says `difficulty: "hard"`, `sim-small` fails this share of prompts (the same ones every time,
 * by a hash of the prompt) — it answers with FAILED_ANSWER_MARK instead. `sim-large` never does.
 * The gateway's router does not read `metadata`: it must tell hard prompts by their features.
 */
export const SMALL_FAILS_HARD_SHARE = 0.7;
export const FAILED_ANSWER_MARK = 'I am not able to answer this reliably.';

export function smallFails(model: string, messages: readonly SimMessage[], metadata: unknown): boolean {
  if (model !== 'sim-small') return false;
  if (typeof metadata !== 'object' || metadata === null || (metadata as Record<string, unknown>).difficulty !== 'hard') return false;
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  return hash32(contentText(lastUser?.content)) % 1000 < SMALL_FAILS_HARD_SHARE * 1000;
}

/**
 * The answer the sim gives: "Simulated answer from <model> about: <first 6 words of the
 * last user message>." then lorem words, `length` words in all, capped by `maxTokens`.
 */
export function simAnswer(
  model: string,
  messages: readonly SimMessage[],
  maxTokens?: number,
  length: number = DEFAULT_COMPLETION_TOKENS,
  metadata?: unknown,
): SimAnswer {
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const asked = contentText(lastUser?.content);
  const question = asked.split(/\s+/).filter(Boolean).slice(0, 6).join(' ');
  const failed = smallFails(model, messages, metadata);
  const head = (failed ? FAILED_ANSWER_MARK : `Simulated answer from ${model} about: ${question || 'nothing'}.`).split(' ');
  const wanted = Math.max(0, Math.floor(length));
  const words = head.concat(loremWords(`${model}\n${asked}`, Math.max(0, wanted - head.length))).slice(0, wanted);
  const capped = maxTokens !== undefined && maxTokens < words.length;
  const tokens = (capped ? words.slice(0, Math.max(0, Math.floor(maxTokens))) : words).map((w, i) =>
    i === 0 ? w : ` ${w}`,
  );
  return { tokens, text: tokens.join(''), finishReason: capped ? 'length' : 'stop' };
}
