// Small HTTP helpers shared by the simulated provider and origin.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

/** Wall-clock ms since epoch with sub-ms precision; comparable with the gateway's own timestamps. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** Bodies above this are refused; the sim never needs big ones and a runaway client must not eat memory. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (part: Buffer) => {
      size += part.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error('request body too large'));
      else parts.push(part);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; message: string };

export function parseJson(text: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, message: `Invalid JSON body: ${(err as Error).message}` };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sends a complete JSON response; a no-op if the client is already gone. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** OpenAI-style error body; type and code follow what OpenAI returns for that status. */
export function errorBody(status: number, message: string, param: string | null = null): ErrorBody {
  const [type, code] = ERROR_KINDS[status] ?? (status >= 500 ? ['server_error', 'server_error'] : ['invalid_request_error', null]);
  return { error: { message, type, param, code } };
}

const ERROR_KINDS: Record<number, [string, string | null]> = {
  400: ['invalid_request_error', 'invalid_request'],
  401: ['authentication_error', 'invalid_api_key'],
  403: ['permission_error', 'permission_denied'],
  404: ['invalid_request_error', 'not_found'],
  408: ['timeout_error', 'timeout'],
  409: ['invalid_request_error', 'conflict'],
  429: ['rate_limit_error', 'rate_limit_exceeded'],
  503: ['server_error', 'overloaded'],
};

/** Resolves after `ms`; rejects (and clears the timer) as soon as the client goes away. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  if (ms > 0) await delay(ms, undefined, { signal });
}

/** Resolves once the client goes away: used by faults that keep a connection open forever. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
