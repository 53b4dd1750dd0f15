import type { ChatChunk } from './types';

export interface UpstreamEvent {
  /** A parsed upstream chunk. */
  chunk?: ChatChunk;
  /** The upstream sent an `{"error": …}` event mid-stream. */
  error?: { message?: string; code?: string | number; type?: string };
  /** Not JSON, or not a chunk: skipped and counted, never fatal on its own. */
  malformed?: boolean;
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
