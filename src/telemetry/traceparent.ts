/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): continue an incoming `traceparent`
 * (keep its trace id and flags, mint our own span id) or start a new trace.
 */

export interface TraceContext {
  traceId: string;
  /** Our span: the request's root span, the one the response's `traceparent` names. */
  spanId: string;
  /** The caller's span, when the trace was continued: the root span's parent. */
  parentSpanId?: string;
  flags: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function continueTrace(header: string | null | undefined): TraceContext {
  const m = header ? TRACEPARENT.exec(header.trim().toLowerCase()) : null;
  // Version ff is forbidden and all-zero ids are invalid: such a header starts a new trace.
  if (m && m[1] !== 'ff' && !/^0+$/.test(m[2]!) && !/^0+$/.test(m[3]!)) {
    return { traceId: m[2]!, spanId: randomHex(8), parentSpanId: m[3]!, flags: m[4]! };
  }
  return { traceId: randomHex(16), spanId: randomHex(8), flags: '01' };
}

export const formatTraceparent = (t: Pick<TraceContext, 'traceId' | 'spanId' | 'flags'>): string => `00-${t.traceId}-${t.spanId}-${t.flags}`;

/** The trace-flags' sampled bit: the caller (or we, for a new trace) asked for it to be recorded. */
export const isSampled = (t: TraceContext): boolean => (parseInt(t.flags, 16) & 1) === 1;

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
/** Random bytes drawn in blocks: one runtime call per 4 KiB of ids instead of one per id (a request mints ~10). */
const pool = new Uint8Array(4096);
let used = pool.length;

/** `bytes` random bytes (at most 4 KiB) as lowercase hex, from the platform's CSPRNG. */
export function randomHex(bytes: number): string {
  if (bytes > pool.length) throw new RangeError(`randomHex: at most ${pool.length} bytes`);
  if (used + bytes > pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  let out = '';
  for (const end = used + bytes; used < end; used++) out += HEX[pool[used]!];
  return out;
}
