// One timed HTTP POST over a keep-alive agent (node:http), reading the whole response.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** One of the three paths: where to POST chat completions, and with which headers. */
export interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
}

export interface Timing {
  /** performance.now() when the request was handed to node:http. */
  sentAt: number;
  status: number;
  /** ms after sentAt; undefined when it never happened. */
  headersMs?: number;
  firstByteMs?: number;
  /** First SSE content token (only looked for when `watchContent`). */
  firstContentMs?: number;
  totalMs?: number;
  bytes: number;
  error?: string;
}

export function keepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 512 });
}

/** A chat body whose prompt differs per request, so no cache can answer it. */
export function chatBody(id: string | number, stream = false): string {
  return JSON.stringify({
    model: 'sim-small',
    messages: [{ role: 'user', content: `bench ${id}: explain circuit breakers` }],
    ...(stream ? { stream: true } : {}),
  });
}

const CONTENT = /"content":"[^"]/;

export interface PostOptions {
  /** Look for the first SSE content token (`firstContentMs`). */
  watchContent?: boolean;
  /** Each body chunk as it arrives (the response is read as it comes either way). */
  onChunk?: (chunk: Buffer) => void;
}

export function post(agent: Agent, target: Target, body: string, timeoutMs: number, { watchContent = false, onChunk }: PostOptions = {}): Promise<Timing> {
  return new Promise((resolve) => {
    const sentAt = performance.now();
    const t: Timing = { sentAt, status: 0, bytes: 0 };
    const since = () => performance.now() - sentAt;
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      if (error) t.error = error;
      else t.totalMs = since();
      resolve(t);
    };
    const req = request(target.url, {
      method: 'POST',
      agent,
      headers: { ...target.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (err) => finish(err.message));
    req.on('response', (res) => {
      t.headersMs = since();
      t.status = res.statusCode ?? 0;
      let text = '';
      res.on('data', (chunk: Buffer) => {
        t.firstByteMs ??= since();
        t.bytes += chunk.length;
        onChunk?.(chunk);
        if (watchContent && t.firstContentMs === undefined) {
          text += chunk.toString('utf8');
          if (CONTENT.test(text)) t.firstContentMs = since();
        }
      });
      res.on('end', () => finish());
      res.on('error', (err) => finish(err.message));
      res.on('aborted', () => finish('response aborted'));
    });
    req.end(body);
  });
}

/** Counts of outcomes: "200", "503", "error: ECONNRESET"… */
export function outcomes(timings: readonly Timing[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of timings) {
    const key = t.error ? `error: ${t.error}` : String(t.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export const ok = (t: Timing) => !t.error && t.status === 200 && t.totalMs !== undefined;
