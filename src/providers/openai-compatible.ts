import { upstreamBroken, upstreamUnreachable } from '../errors';
import { abortable } from '../util/deadlines';
import { upstreamHttpError } from './upstream-errors';

/** One resolved upstream: an endpoint record from the catalog, with its key looked up. */
export interface UpstreamTarget {
  endpointId: string;
  url: string;
  apiKey?: string;
  upstreamModel: string;
  /** `gen_ai.provider.name` in traces. */
  provider: string;
  /** The cap on a `Retry-After` this upstream sends (resilience.maxRetryAfterSeconds). */
  maxRetryAfterSeconds: number;
}

const MAX_ERROR_BODY = 16 * 1024;

/**
 * POSTs an OpenAI-compatible chat completion and returns the SSE body once headers are in.
 * Non-2xx answers become mapped GatewayErrors; an abort rethrows the signal's reason (the deadline
 * or the client's disconnect) so callers see *why* it stopped.
 */
export async function openUpstream(
  target: UpstreamTarget,
  payload: string,
  traceparent: string,
  signal: AbortSignal,
): Promise<Response & { body: ReadableStream<Uint8Array> }> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    traceparent,
  };
  if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
  let res: Response;
  try {
    res = await fetch(target.url, { method: 'POST', headers, body: payload, signal });
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw upstreamUnreachable(err);
  }
  if (!res.ok) {
    const text = await abortable(readBounded(res), signal).catch(() => '');
    throw upstreamHttpError(res.status, text, res.headers.get('retry-after'), {
      secrets: [target.apiKey],
      maxRetryAfterSeconds: target.maxRetryAfterSeconds,
    });
  }
  if (!res.body) throw upstreamBroken('the response had no body');
  return res as Response & { body: ReadableStream<Uint8Array> };
}

/** The start of an error body, at most MAX_ERROR_BODY characters (a provider may send anything). */
export async function readBounded(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_ERROR_BODY) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    size += value.byteLength;
  }
  reader.cancel().catch(() => {});
  const decoder = new TextDecoder();
  return parts.map((p) => decoder.decode(p, { stream: true })).join('').slice(0, MAX_ERROR_BODY);
}
