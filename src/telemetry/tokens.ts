/**
 * The gateway's one token estimate — ≈4 characters a token for English prose — used wherever a
 * count is needed before (or without) the provider's usage: routing, rate-limit reservations,
 * context packing, cost when usage is missing.
 */
export const tokensForChars = (chars: number): number => Math.ceil(chars / 4);
export const estimateTokens = (text: string): number => tokensForChars(text.length);

/** The text of a message's content: a string, or the text parts of a content array. */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p?.text === 'string' ? p.text : '')).join(' ');
  return '';
}

/** Estimated prompt tokens over a conversation. */
export function promptTokens(messages: ReadonlyArray<{ content?: unknown }>): number {
  let chars = 0;
  for (const m of messages) chars += messageText(m.content).length;
  return tokensForChars(chars);
}
