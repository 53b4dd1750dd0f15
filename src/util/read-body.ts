import { bodyTimeout, bodyTooLarge } from '../errors';
import { withTimeout } from './deadlines';

/**
 * Reads a request body up to `limit` bytes within `ms`. A declared Content-Length over the limit
 * is refused before reading a byte; an undeclared (chunked) body is refused as soon as it passes
 * the limit, without buffering the rest. Hono's bodyLimit does the first two but has no deadline,
 * and a client trickling its body must not hold the request open forever.
 */
export async function readBody(req: Request, limit: number, ms: number): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > limit) throw bodyTooLarge(limit);
  if (!req.body) return '';
  // A declared length within the limit: let the runtime read it natively (no JS per chunk).
  if (declared >= 0) return withTimeout(req.text(), ms, () => bodyTimeout(ms));
  const reader = req.body.getReader();
  // The deadline cancels the reader, which ends the pending read: one timer, no listeners.
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    reader.cancel().catch(() => {});
  }, ms);
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (late) throw bodyTimeout(ms);
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw bodyTooLarge(limit);
      parts.push(value);
    }
  } catch (err) {
    reader.cancel().catch(() => {});
    throw late ? bodyTimeout(ms) : err;
  } finally {
    clearTimeout(timer);
  }
  const decoder = new TextDecoder();
  return parts.map((p, i) => decoder.decode(p, { stream: i < parts.length - 1 })).join('');
}
