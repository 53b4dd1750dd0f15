// Helpers for tests that talk to the sims over real HTTP.

export interface SseRead {
  /** The `data:` payloads in order (including "[DONE]" and malformed ones). */
  events: string[];
  /** Set when the body errored (e.g. the socket was cut) instead of ending. */
  error?: unknown;
}

/** Reads an SSE body to its end (or error); `onEvent` may return true to stop early. */
export async function readSse(response: Response, onEvent?: (data: string) => boolean | void): Promise<SseRead> {
  const events: string[] = [];
  if (!response.body) return { events };
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { events };
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        events.push(data);
        if (onEvent?.(data)) {
          await reader.cancel();
          return { events };
        }
      }
    }
  } catch (error) {
    return { events, error };
  }
}

/** Polls until `check` is true; fails after `timeoutMs` so a broken test cannot hang. */
export async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('waitFor: condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Reads a JSON body as the given response shape (the sim's own types; no runtime check). */
export async function readJson<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** POSTs JSON. */
export function postJson(url: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: init.signal,
  });
}
