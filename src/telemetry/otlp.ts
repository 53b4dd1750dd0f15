import type { Attrs, Scalar, SpanKind, Trace } from './trace';

/**
 * A finished request's trace in the OTLP/JSON shape (opentelemetry-proto's JSON mapping: ids as
 * hex, int64 and nanosecond times as decimal strings, lowerCamelCase fields). Pure: the exporter
 * batches these and POSTs them to `/v1/traces`.
 */

type AnyValue = { stringValue: string } | { boolValue: boolean } | { intValue: string } | { doubleValue: number };

export interface OtlpAttribute {
  key: string;
  value: AnyValue;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttribute[];
  /** code 2 = ERROR; an unset status (code 0) is left out. */
  status?: { code: 2; message: string };
}

/** SpanKind numbers of opentelemetry-proto's trace.proto. */
const KIND: Record<SpanKind, number> = { internal: 1, server: 2, client: 3 };

/** Money and sampling parameters are doubles whatever their value (0 included): one type per attribute. */
const DOUBLES = /(_usd|\.temperature|\.top_p|_penalty)$/;
const isDouble = (key: string, v: number) => DOUBLES.test(key) || !Number.isInteger(v);

export function otlpValue(key: string, v: Scalar): AnyValue | undefined {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (!Number.isFinite(v)) return undefined; // JSON has no NaN or Infinity
  return isDouble(key, v) ? { doubleValue: v } : { intValue: String(v) };
}

export function otlpAttributes(attrs: Attrs | undefined): OtlpAttribute[] {
  const out: OtlpAttribute[] = [];
  for (const key in attrs) {
    const value = otlpValue(key, attrs[key]!);
    if (value) out.push({ key, value });
  }
  return out;
}

/** Our own attribute names live under `gateway.`; names that already have a namespace are kept. */
const namespaced = (attrs: Attrs | undefined): Attrs => {
  const out: Attrs = {};
  for (const key in attrs) out[key.includes('.') ? key : `gateway.${key}`] = attrs[key]!;
  return out;
};

/** The trace's fields that are HTTP attributes, not gateway ones. */
const HTTP_FIELDS: Record<string, string> = { method: 'http.request.method', path: 'url.path' };

/** Epoch ms (fractions kept to the µs) as OTLP's unix-nano string. */
export const unixNano = (ms: number): string => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

/**
 * The SERVER root span (the request: method, route, status and the request's `gateway.*` fields)
 * and every stage span under it. A span still open when the request ended (its work was cut
 * short) ends with the root and says so (`gateway.unfinished`).
 */
export function encodeTrace(trace: Trace): OtlpSpan[] {
  const { traceId, spanId, parentSpanId } = trace.context;
  const rootEnd = trace.endedAt ?? trace.elapsed();
  const at = (ms: number) => unixNano(trace.startedAt + ms);
  const rootAttrs: Attrs = { 'gateway.request_id': trace.requestId, 'http.response.status_code': trace.status };
  for (const key in trace.fields) rootAttrs[HTTP_FIELDS[key] ?? `gateway.${key}`] = trace.fields[key]!;
  if (trace.errorCode) rootAttrs['error.type'] = trace.errorCode;
  const method = String(trace.fields.method ?? 'HTTP');
  const root: OtlpSpan = {
    traceId,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    // HTTP conventions: `{method} {route}`, or the method alone when no route matched.
    name: trace.status === 404 || !trace.fields.path ? method : `${method} ${trace.fields.path}`,
    kind: KIND.server,
    startTimeUnixNano: at(0),
    endTimeUnixNano: at(rootEnd),
    attributes: otlpAttributes(rootAttrs),
    // A server span is an error only for 5xx: a 4xx is the client's (HTTP semantic conventions).
    ...(trace.status >= 500 ? { status: { code: 2 as const, message: trace.errorCode ?? `HTTP ${trace.status}` } } : {}),
  };
  const spans = trace.spans.map((s): OtlpSpan => {
    const attrs = namespaced(s.attrs);
    if (s.end === undefined) attrs['gateway.unfinished'] = true;
    return {
      traceId,
      spanId: s.id,
      parentSpanId: s.parentId,
      name: s.name,
      kind: KIND[s.kind],
      startTimeUnixNano: at(s.start),
      endTimeUnixNano: at(s.end ?? Math.max(rootEnd, s.start)),
      attributes: otlpAttributes(attrs),
      ...(s.error !== undefined ? { status: { code: 2 as const, message: s.error } } : {}),
    };
  });
  return [root, ...spans];
}

/** The body of one `POST /v1/traces` (ExportTraceServiceRequest). */
export function exportRequest(spans: OtlpSpan[], resource: Attrs) {
  return {
    resourceSpans: [
      {
        resource: { attributes: otlpAttributes(resource) },
        scopeSpans: [{ scope: { name: 'edge-llm-gateway' }, spans }],
      },
    ],
  };
}
