// Scripted replies: a test states exactly what the provider sends (status, headers, each SSE event,
// the non-stream body), for malformed events, transparency corpora and fuzzing.
import type { ServerResponse } from 'node:http';
import { sleep, untilAborted } from './http.ts';

/** Waits this long before the next event. */
export interface Wait {
  $wait: number;
}

export interface ProviderScript {
  /** HTTP status (default 200). A non-2xx status sends `json` (or nothing) as the body. */
  status?: number;
  headers?: Record<string, string>;
  /**
   * Stream requests: each item is one SSE event — a string is sent as the raw `data:` payload,
   * anything else JSON-encoded — or a `{$wait: ms}` pause.
   */
  events?: Array<unknown>;
  /** Non-stream requests (and error statuses): the JSON body; a string is sent raw. */
  json?: unknown;
  /** After the last event: end the response (default), cut the connection, or go silent. */
  end?: 'close' | 'cut' | 'stall';
}

const isWait = (item: unknown): item is Wait =>
  typeof item === 'object' && item !== null && typeof (item as Wait).$wait === 'number' && Object.keys(item).length === 1;

/** Plays a script to one request. */
export async function playScript(
  script: ProviderScript,
  stream: boolean,
  res: ServerResponse,
  signal: AbortSignal,
  cut: () => void,
): Promise<void> {
  const status = script.status ?? 200;
  if (!stream || status >= 300) {
    const body = typeof script.json === 'string' ? script.json : script.json === undefined ? '' : JSON.stringify(script.json);
    res.writeHead(status, { 'content-type': 'application/json', ...script.headers });
    res.end(body);
    return;
  }
  res.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...script.headers });
  res.flushHeaders();
  for (const item of script.events ?? []) {
    if (isWait(item)) {
      await sleep(item.$wait, signal);
      continue;
    }
    signal.throwIfAborted();
    res.write(`data: ${typeof item === 'string' ? item : JSON.stringify(item)}\n\n`);
  }
  if (script.end === 'cut') return cut();
  if (script.end === 'stall') return untilAborted(signal);
  res.end();
}
