import { continueTrace, formatTraceparent, randomHex, type TraceContext } from './traceparent';

/**
 * One trace per request: its ids, the stages it went through with their timings, and the figures
 * the log line and (later) the stats are computed from. Stages add spans; nothing else keeps
 * per-request telemetry.
 */

export interface Span {
  name: string;
  /** ms since the trace started */
  start: number;
  end?: number;
  attrs?: Record<string, string | number | boolean>;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens?: number;
}

export type Scalar = string | number | boolean;

export class Trace {
  readonly requestId: string;
  readonly context: TraceContext;
  readonly startedAt: number;
  readonly spans: Span[] = [];
  readonly fields: Record<string, Scalar> = {};
  usage?: Usage;
  status = 0;
  errorCode?: string;

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

  private endedAt?: number;

  /** ms from arrival to the request's end: read first at the end (the log line), then fixed, so the stats see the same figure. */
  duration(): number {
    return (this.endedAt ??= this.elapsed());
  }

  /** Starts a span; call the returned function to end it (attrs are merged in). */
  span(name: string): (attrs?: Span['attrs']) => void {
    const span: Span = { name, start: this.elapsed() };
    this.spans.push(span);
    return (attrs) => {
      span.end = this.elapsed();
      if (attrs) span.attrs = { ...span.attrs, ...attrs };
    };
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
