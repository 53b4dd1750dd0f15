import type { RequestRecord } from './tasks';
import type { StatsWindow } from '../config';
import type { Clock } from '../util/clock';
import { renderStats, type StatsView } from './render';
import { emptySummary, mergeSummary, type Summary } from './summary';
import { BUCKET_MS, bucketOf, RETAIN_MS, windowStart } from './windows';

/** What an isolate ships to the Durable Object: its summaries since the last shipment, by bucket. */
export interface Shipment {
  buckets: Array<{ t: number; summary: Summary }>;
  /** This isolate's breakers (`model/endpoint` → state) when it shipped. */
  breakers: Record<string, string>;
  /** Shipments it failed to deliver since its last delivered one (and their requests). */
  shipping: Summary['shipping'];
  /** The answered requests (tenant, task, cost) feedback can refer to. */
  requests?: RequestRecord[];
}

/** Where the buckets live: the Durable Object's SQLite in production, a Map in unit tests. */
export interface BucketStorage {
  load(): Array<{ t: number; summary: Summary }>;
  put(t: number, summary: Summary): void;
  deleteBefore(t: number): void;
}

/**
 * The buckets of the last hour, merged from every isolate's shipments, and windows over them.
 * Every bucket an ingest touches is written through to storage before the ingest returns, so the
 * figures survive the object's eviction; reads are served from memory.
 */
export class StatsStore {
  private buckets?: Map<number, Summary>;

  constructor(
    private readonly storage: BucketStorage,
    private readonly clock: Clock,
  ) {}

  private all(): Map<number, Summary> {
    this.buckets ??= new Map(this.storage.load().map(({ t, summary }) => [t, summary]));
    return this.buckets;
  }

  ingest(s: Shipment): void {
    const now = this.clock.now();
    const current = bucketOf(now);
    const oldest = current - RETAIN_MS + BUCKET_MS;
    const touched = new Map<number, Summary>();
    const into = (t: number) => {
      let b = touched.get(t) ?? this.all().get(t);
      if (!b) this.all().set(t, (b = emptySummary()));
      touched.set(t, b);
      return b;
    };
    for (const { t, summary } of s.buckets) {
      // A skewed isolate clock: too old is dropped, from the future lands in the current bucket.
      const at = Math.min(bucketOf(t), current);
      if (at >= oldest) mergeSummary(into(at), summary);
    }
    const extra = into(current);
    for (const [id, state] of Object.entries(s.breakers)) extra.breakers[id] = { state, at: now };
    extra.shipping.flush_failures += s.shipping.flush_failures;
    extra.shipping.dropped_requests += s.shipping.dropped_requests;
    for (const [t, b] of touched) this.storage.put(t, b);
    for (const t of this.all().keys()) if (t < oldest) this.all().delete(t);
    this.storage.deleteBefore(oldest);
  }

  /** The window's buckets merged, and the buckets themselves (every one, empty ones too), oldest first. */
  window(window: StatsWindow): { merged: Summary; series: Array<{ t: number; summary: Summary }>; from: number; to: number } {
    const to = this.clock.now();
    const from = windowStart(window, to);
    const merged = emptySummary();
    const series: Array<{ t: number; summary: Summary }> = [];
    for (let t = from; t <= bucketOf(to); t += BUCKET_MS) {
      const b = this.all().get(t) ?? emptySummary();
      mergeSummary(merged, b);
      series.push({ t, summary: b });
    }
    return { merged, series, from, to };
  }

  /** The buckets from the one holding `from` to now, merged (a canary's window, at the buckets' grain). */
  since(from: number): Summary {
    const merged = emptySummary();
    for (const [t, b] of this.all()) if (t >= bucketOf(from)) mergeSummary(merged, b);
    return merged;
  }

  render(window: StatsWindow, slo: Record<string, number>): StatsView {
    const { merged, series, from, to } = this.window(window);
    return renderStats(merged, { window, from, to, slo, series });
  }
}
