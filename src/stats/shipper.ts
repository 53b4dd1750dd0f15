import type { Clock } from '../util/clock';
import { withTimeout } from '../util/deadlines';
import type { Shipment } from './store';
import type { RequestRecord } from './tasks';
import { emptySummary, foldShadow, foldTrace, type FoldedTrace, type Summary } from './summary';
import { bucketOf } from './windows';

export interface ShipOptions {
  /** The first request after a shipment schedules the next one this much later. */
  flushMs: number;
  /** A shipment not delivered within this is dropped (and counted). */
  timeoutMs: number;
  /** Delivers a shipment (the Durable Object's `ingest`). */
  send(s: Shipment): Promise<unknown>;
  /** This isolate's breaker states when it ships. */
  breakers(): Record<string, string>;
  /** Where a dropped shipment is reported (one JSON line). */
  log(line: string): void;
}

/** Request records kept between two shipments at most (beyond, feedback on those requests is a 404). */
const MAX_RECORDS = 20_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * This isolate's side of the stats: every finished request is folded into a summary (by 10 s
 * bucket) in memory — no call per request — and the first request after a shipment schedules
 * the next: `record` then returns a promise (for that request's `waitUntil`) that waits
 * `flushMs`, ships everything folded meanwhile and starts afresh. A shipment that fails or takes
 * longer than `timeoutMs` is dropped and counted; the count rides on the next delivered one. So
 * a request is never failed or slowed by the stats, and an isolate holds at most `flushMs` of
 * figures.
 */
export class StatsShipper {
  private pending = new Map<number, Summary>();
  private records: RequestRecord[] = [];
  /** When the pending shipment was scheduled (undefined: none is). */
  private scheduledAt?: number;
  /** Shipments dropped, and their requests, not yet reported in a delivered one. */
  private failures = 0;
  private dropped = 0;

  constructor(
    private readonly clock: Clock,
    private readonly wait: (ms: number) => Promise<void> = sleep,
  ) {}

  record(t: FoldedTrace, o: ShipOptions, request?: RequestRecord): Promise<void> | undefined {
    // Bounded like the summaries: an isolate holds at most a shipment's worth of records.
    if (request && this.records.length < MAX_RECORDS) this.records.push(request);
    const b = bucketOf(this.clock.now());
    let s = this.pending.get(b);
    if (!s) this.pending.set(b, (s = emptySummary()));
    foldTrace(s, t);
    const now = this.clock.now();
    // A scheduled shipment whose request context was torn down never runs: schedule anew.
    if (this.scheduledAt !== undefined && now - this.scheduledAt < o.flushMs + o.timeoutMs + 5000) return undefined;
    this.scheduledAt = now;
    return this.wait(o.flushMs).then(() => this.flush(o));
  }

  /**
   * A shadow retrieval's comparison, folded into the pending figures (it finishes after its
   * request was recorded; it ships with the next shipment).
   */
  recordShadow(tenant: string, r: { overlap: number; drift: number } | undefined): void {
    const b = bucketOf(this.clock.now());
    let s = this.pending.get(b);
    if (!s) this.pending.set(b, (s = emptySummary()));
    foldShadow(s, tenant, r);
  }

  /** Ships what is pending now. Never rejects. */
  async flush(o: ShipOptions): Promise<void> {
    this.scheduledAt = undefined;
    const buckets = [...this.pending].map(([t, summary]) => ({ t, summary }));
    const records = this.records;
    this.pending = new Map();
    this.records = [];
    // Taken now, not subtracted later: two flushes at once (a feedback's and a scheduled one) never
    // report the same failures twice or drive the counters below zero.
    const shipping = { flush_failures: this.failures, dropped_requests: this.dropped };
    this.failures = 0;
    this.dropped = 0;
    const requests = buckets.reduce((n, b) => n + b.summary.requests, 0);
    try {
      await withTimeout(o.send({ buckets, breakers: o.breakers(), shipping, requests: records }), o.timeoutMs, () => new Error(`no answer within ${o.timeoutMs} ms`));
    } catch (err) {
      this.failures += shipping.flush_failures + 1;
      this.dropped += shipping.dropped_requests + requests;
      o.log(
        JSON.stringify({
          msg: 'stats_flush_failed',
          error: err instanceof Error ? err.message : String(err),
          requests,
          flush_failures: this.failures,
          dropped_requests: this.dropped,
        }),
      );
    }
  }
}
