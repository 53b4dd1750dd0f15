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

export function randomHex(bytes: number): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  let out = '';
  for (const b of buf) out += b.toString(16).padStart(2, '0');
  return out;
}
