import { errorType } from '../errors';
import { continueTrace, formatTraceparent, randomHex, type TraceContext } from './traceparent';

/**
 * One trace per request: its ids, the stages it went through with their timings, and the figures
 * the log line, the stats and the OTLP export are computed from. Stages add spans; nothing else
 * keeps per-request telemetry. The request itself is the root span (`context.spanId`, the id the
 * response's `traceparent` names); every span has a parent, the root unless opened under another.
 */

export type Scalar = string | number | boolean;
export type Attrs = Record<string, Scalar>;
/** OpenTelemetry span kinds the gateway emits: the request (server), calls out (client), stages. */
export type SpanKind = 'server' | 'client' | 'internal';

export interface Span {
  name: string;
  /** ms since the trace started */
  start: number;
  end?: number;
  attrs?: Attrs;
  /** 16 hex digits. */
  id: string;
  /** The parent span's id: the root's (`trace.context.spanId`) unless opened under another span. */
  parentId: string;
  kind: SpanKind;
  /** Set when the span's work failed (the OTLP error status), with a message that holds no user content. */
  error?: string;
}

/**
 * An open span: call it to end it (attrs merged in; the first end counts). Its id parents child
 * spans, and its `traceparent` goes on the outgoing call it covers, so the callee's spans nest
 * under it.
 */
export interface OpenSpan {
  (attrs?: Attrs): void;
  readonly id: string;
  readonly traceparent: string;
  /** Adds attributes while the span is open. */
  set(attrs: Attrs): void;
  /** Ends the span with an error status. */
  fail(message: string, attrs?: Attrs): void;
}

export interface SpanOptions {
  /** @default the request's root span */
  parent?: OpenSpan;
  /** @default "internal" */
  kind?: SpanKind;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens?: number;
}

export class Trace {
  readonly requestId: string;
  readonly context: TraceContext;
  readonly startedAt: number;
  readonly spans: Span[] = [];
  readonly fields: Record<string, Scalar> = {};
  usage?: Usage;
  /** The answer's cache key, when the request was cacheable (for feedback to evict; never logged). */
  cacheKey?: string;
  status = 0;
  errorCode?: string;
  /** ms since start when the response (or the stream) ended: the root span's end. */
  endedAt?: number;
  /** Work this request left running (a cache write) whose spans the export waits for, briefly. */
  readonly background: Promise<unknown>[] = [];

  constructor(incomingTraceparent: string | null | undefined, now: () => number = Date.now) {
    this.now = now;
    this.startedAt = now();
    this.context = continueTrace(incomingTraceparent);
    this.requestId = `req_${randomHex(12)}`;
  }

  private readonly now: () => number;

  get traceparent(): string {
    return formatTraceparent(this.context);
  }

  /** ms since the request arrived */
  elapsed(): number {
    return this.now() - this.startedAt;
  }

  /** ms from arrival to the request's end: fixed once read at the end, so the log line, the stats and the root span agree. */
  duration(): number {
    return (this.endedAt ??= this.elapsed());
  }

  /** Starts a span, under the root unless `parent` says otherwise; call the result to end it. */
  span(name: string, { parent, kind = 'internal' }: SpanOptions = {}): OpenSpan {
    const span: Span = { name, start: this.elapsed(), id: randomHex(8), parentId: parent?.id ?? this.context.spanId, kind };
    this.spans.push(span);
    const set = (attrs: Attrs | undefined) => {
      if (attrs) span.attrs = { ...span.attrs, ...attrs };
    };
    const end = (attrs?: Attrs) => {
      set(attrs);
      span.end ??= this.elapsed();
    };
    return Object.assign(end, {
      id: span.id,
      traceparent: formatTraceparent({ ...this.context, spanId: span.id }),
      set,
      fail: (message: string, attrs?: Attrs) => {
        if (span.end === undefined) span.error = message;
        end(attrs);
      },
    });
  }

  /** Runs `work` in a span that ends when it returns (or its promise settles); a throw fails the span. */
  run<T>(name: string, work: (span: OpenSpan) => T, opts?: SpanOptions): T {
    const span = this.span(name, opts);
    const failed = (err: unknown) => {
      span.fail(errorType(err));
      throw err;
    };
    try {
      const out = work(span);
      if (out instanceof Promise) return out.then((v) => (span(), v), failed) as T;
      span();
      return out;
    } catch (err) {
      return failed(err);
    }
  }

  /** The response has ended: the root span ends now. */
  finish(): void {
    this.endedAt ??= this.elapsed();
  }

  set(key: string, value: Scalar | undefined): void {
    if (value !== undefined) this.fields[key] = value;
  }

  /** The one structured log line for this request. No headers, bodies or keys ever go in here. */
  toLogRecord(): Record<string, unknown> {
    const stages: Record<string, number> = {};
    for (const s of this.spans) if (s.end !== undefined) stages[s.name] = round(s.end - s.start);
    return {
      msg: 'request',
      request_id: this.requestId,
      trace_id: this.context.traceId,
      status: this.status,
      error_code: this.errorCode,
      duration_ms: round(this.duration()),
      stages,
      ...this.fields,
      prompt_tokens: this.usage?.prompt_tokens,
      completion_tokens: this.usage?.completion_tokens,
    };
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;
