import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { ChatChunk } from './types';

export interface UpstreamEvent {
  /** A parsed upstream chunk, or `undefined` for an event that carried no usable JSON. */
  chunk?: ChatChunk;
  /** The upstream sent an `{"error": …}` event mid-stream. */
  error?: { message?: string; code?: string | number; type?: string };
  malformed?: boolean;
}

/**
 * Parses an upstream OpenAI-compatible SSE body into chunks. Ends at `data: [DONE]`; a malformed
 * event is reported (so it can be counted) and skipped, never fatal on its own.
 */
export async function* upstreamEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<UpstreamEvent, { done: boolean }> {
  const reader = body
    .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { done: false };
      if (value.data === '[DONE]') return { done: true };
      yield parseEvent(value.data);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

export function parseEvent(data: string): UpstreamEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return { malformed: true };
  }
  if (!parsed || typeof parsed !== 'object') return { malformed: true };
  const obj = parsed as Record<string, unknown>;
  if (obj.error && typeof obj.error === 'object') return { error: obj.error as UpstreamEvent['error'] };
  if (!Array.isArray(obj.choices)) return { malformed: true };
  return { chunk: obj as unknown as ChatChunk };
}
