import type { Env } from '../env';
import { otlpConfig, type OtlpConfig, type OtlpTarget } from './otlp-env';
import { encodeTrace, exportRequest, type OtlpSpan } from './otlp';
import { isSampled } from './traceparent';
import type { Trace } from './trace';

export interface TraceExporterOptions {
  /** Spans per POST. @default 512 */
  batchSize?: number;
  /** Spans held at most; spans of requests beyond it are dropped (and counted). @default 2048 */
  maxBuffered?: number;
  fetch?: typeof fetch;
}

/** What the exporter has done since the isolate started, in spans. */
export interface ExportCounts {
  exported: number;
  /** Never sent: the buffer was full. */
  dropped: number;
  /** Sent and lost: the collector refused, failed or did not answer in time. */
  failed: number;
}

/**
 * One flush stops starting POSTs after this long, well inside the 30 s a `waitUntil` may run; a
 * flush older than it (its request's `waitUntil` was cut short) no longer blocks the next one.
 */
const FLUSH_BUDGET_MS = 20_000;

type EnvVars = Pick<Env, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_HEADERS' | 'OTEL_EXPORTER_OTLP_TIMEOUT' | 'OTEL_SERVICE_NAME'>;

/**
 * The isolate's OTLP/HTTP JSON trace exporter: finished requests' spans go into one bounded
 * buffer; the request that finds no export in flight runs one from its `waitUntil`, POSTing
 * batches until the buffer is empty. Bounded everywhere — buffer size, batch size, a deadline per
 * POST — and it never throws: a failed or late export drops its batch and counts it. Nothing here
 * runs on a response's path.
 */
export class TraceExporter {
  readonly counts: ExportCounts = { exported: 0, dropped: 0, failed: 0 };
  private buffer: OtlpSpan[] = [];
  /** When the export in flight started (Date.now), if one is. */
  private flushingSince?: number;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  private readonly fetch: typeof fetch;
  private config?: { key: string; value: OtlpConfig };

  constructor({ batchSize = 512, maxBuffered = 2048, fetch: f = (...args) => fetch(...args) }: TraceExporterOptions = {}) {
    this.batchSize = batchSize;
    this.maxBuffered = maxBuffered;
    this.fetch = f;
  }

  get buffered(): number {
    return this.buffer.length;
  }

  /** The target from the env, parsed once per distinct value. */
  configFor(env: EnvVars): OtlpConfig {
    const key = [env.OTEL_EXPORTER_OTLP_ENDPOINT, env.OTEL_EXPORTER_OTLP_HEADERS, env.OTEL_EXPORTER_OTLP_TIMEOUT, env.OTEL_SERVICE_NAME].join('\n');
    if (this.config?.key !== key) this.config = { key, value: otlpConfig(env) };
    return this.config.value;
  }

  /**
   * A finished request's trace: waits (briefly) for the work it left running, buffers its spans,
   * and exports unless another request already is. For the request's `waitUntil`; never rejects.
   */
  async record(trace: Trace, env: EnvVars): Promise<void> {
    try {
      const config = this.configFor(env);
      if (!config?.ok || !isSampled(trace.context)) return;
      await settledWithin(trace.background, config.target.timeoutMs);
      this.add(encodeTrace(trace));
      if (!this.flushing) await this.flush(config.target);
    } catch {
      // Tracing never fails a request.
    }
  }

  private get flushing(): boolean {
    return this.flushingSince !== undefined && Date.now() - this.flushingSince < FLUSH_BUDGET_MS + 10_000;
  }

  private add(spans: OtlpSpan[]): void {
    // A request's spans are kept or dropped together, so no trace arrives with holes.
    if (this.buffer.length + spans.length > this.maxBuffered) this.counts.dropped += spans.length;
    else this.buffer.push(...spans);
  }

  private async flush(target: OtlpTarget): Promise<void> {
    const since = (this.flushingSince = Date.now());
    try {
      while (this.buffer.length && Date.now() - since < FLUSH_BUDGET_MS) {
        const batch = this.buffer.splice(0, this.batchSize);
        if (await this.post(target, batch)) this.counts.exported += batch.length;
        else {
          this.counts.failed += batch.length;
          break; // a failing collector gets one try per flush, not one per batch
        }
      }
    } finally {
      if (this.flushingSince === since) this.flushingSince = undefined;
    }
  }

  private async post(target: OtlpTarget, spans: OtlpSpan[]): Promise<boolean> {
    try {
      const res = await this.fetch(target.url, {
        method: 'POST',
        headers: { ...target.headers, 'content-type': 'application/json' },
        body: JSON.stringify(exportRequest(spans, { 'service.name': target.serviceName, 'telemetry.sdk.name': 'edge-llm-gateway', 'telemetry.sdk.language': 'js' })),
        signal: AbortSignal.timeout(target.timeoutMs),
      });
      await res.body?.cancel().catch(() => {});
      return res.ok;
    } catch {
      return false;
    }
  }
}

/** Waits for the promises to settle, or `ms`, whichever is first. */
async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<void> {
  if (!promises.length) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([Promise.allSettled(promises), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  if (timer !== undefined) clearTimeout(timer);
}
