import { describe, expect, it } from 'vitest';
import { FakeClock } from '../util/clock';
import { Alarm } from './alarm';
import { StatsShipper, type ShipOptions } from './shipper';
import { StatsStore, type BucketStorage, type Shipment } from './store';
import { emptySummary, foldTrace, type FoldedTrace, type Summary } from './summary';

const T0 = 1_700_000_000_000;

function memoryStorage(): BucketStorage & { rows: Map<number, string> } {
  const rows = new Map<number, string>();
  return {
    rows,
    load: () => [...rows].map(([t, s]) => ({ t, summary: JSON.parse(s) as Summary })),
    put: (t, s) => void rows.set(t, JSON.stringify(s)),
    deleteBefore: (t) => [...rows.keys()].filter((k) => k < t).forEach((k) => rows.delete(k)),
  };
}

const trace = (ms: number, fields: FoldedTrace['fields'] = {}): FoldedTrace => ({
  spans: [{ name: 'cache', start: 0, end: ms }],
  fields,
  status: 200,
  duration: () => ms,
});

const shipmentOf = (t: number, n: number, breakers: Record<string, string> = {}): Shipment => {
  const summary = emptySummary();
  for (let i = 0; i < n; i++) foldTrace(summary, trace(10 + i, { tenant: 'acme' }));
  return { buckets: [{ t, summary }], breakers, shipping: { flush_failures: 0, dropped_requests: 0 } };
};

describe('StatsStore', () => {
  it('merges shipments per 10 s bucket, answers windows, survives a restart, forgets after an hour', () => {
    const clock = new FakeClock(T0);
    const storage = memoryStorage();
    const store = new StatsStore(storage, clock);
    store.ingest(shipmentOf(T0 - 120_000, 5)); // two minutes ago: in 15m, not in 1m
    store.ingest(shipmentOf(T0 - 5_000, 3, { 'm/east': 'open' }));
    store.ingest(shipmentOf(T0, 4, { 'm/east': 'closed', 'm/west': 'open' }));
    expect(store.render('1m', {}).requests).toBe(7);
    expect(store.render('15m', {}).requests).toBe(12);
    expect(store.render('1m', {}).breakers).toEqual({ 'm/east': 'closed', 'm/west': 'open' });
    expect(store.render('1m', {}).series).toHaveLength(6);
    expect(store.render('1h', {}).series).toHaveLength(360);

    // Evicted and rebuilt from storage: the same figures.
    const again = new StatsStore(storage, clock);
    expect(again.render('15m', {})).toEqual(store.render('15m', {}));

    clock.advance(3_600_000);
    again.ingest(shipmentOf(clock.now(), 1));
    expect(again.render('1h', {}).requests).toBe(1);
    expect(storage.rows.size).toBe(1);
  });
});

describe('Alarm', () => {
  it('fires once per key per interval however often it is raised', async () => {
    const clock = new FakeClock(T0);
    const memory = new Map<string, number>();
    const posts: unknown[] = [];
    const fetcher = (async (_url: string, init: RequestInit) => {
      posts.push(JSON.parse(String(init.body)));
      return new Response(null, { status: 204 });
    }) as typeof fetch;
    const alarm = new Alarm({ webhook: 'https://ops.example/hook', minIntervalMs: 60_000 }, { get: (k) => memory.get(k), set: (k, v) => void memory.set(k, v) }, clock, fetcher);
    expect(await alarm.raise('slo:retrieval', { n: 1 })).toEqual({ ok: true, status: 204 });
    expect(alarm.raise('slo:retrieval', { n: 2 })).toBeUndefined();
    expect((await alarm.raise('slo:rerank', { n: 3 }))?.ok).toBe(true);
    clock.advance(59_999);
    expect(alarm.raise('slo:retrieval', { n: 4 })).toBeUndefined();
    clock.advance(1);
    expect((await alarm.raise('slo:retrieval', { n: 5 }))?.ok).toBe(true);
    expect(posts).toEqual([{ n: 1 }, { n: 3 }, { n: 5 }]);
    const failing = new Alarm({ webhook: 'https://ops.example/hook', minIntervalMs: 1 }, { get: () => undefined, set: () => {} }, clock, (() => Promise.reject(new Error('down'))) as typeof fetch);
    expect(await failing.raise('x', {})).toEqual({ ok: false, error: 'Error: down' });
  });
});

describe('StatsShipper', () => {
  function harness(send: ShipOptions['send']) {
    const clock = new FakeClock(T0);
    const waits: Array<() => void> = [];
    const shipper = new StatsShipper(clock, () => new Promise((resolve) => waits.push(resolve)));
    const logs: string[] = [];
    const opts: ShipOptions = { flushMs: 2000, timeoutMs: 50, send, breakers: () => ({ 'm/east': 'closed' }), log: (l) => logs.push(l) };
    return { shipper, opts, logs, waits, clock };
  }

  it('ships once per flush interval, everything folded meanwhile, and starts afresh', async () => {
    const sent: Shipment[] = [];
    const h = harness(async (s) => void sent.push(s));
    const first = h.shipper.record(trace(5), h.opts);
    expect(first).toBeInstanceOf(Promise);
    expect(h.shipper.record(trace(6), h.opts)).toBeUndefined();
    expect(h.shipper.record(trace(7), h.opts)).toBeUndefined();
    h.waits[0]!();
    await first;
    expect(sent).toHaveLength(1);
    expect(sent[0]!.buckets[0]!.summary.requests).toBe(3);
    expect(sent[0]!.breakers).toEqual({ 'm/east': 'closed' });
    expect(h.shipper.record(trace(8), h.opts)).toBeInstanceOf(Promise);
  });

  it('drops a failed or slow shipment, counts it, and reports the count with the next delivered one', async () => {
    let mode: 'throw' | 'hang' | 'ok' = 'throw';
    const sent: Shipment[] = [];
    const h = harness((s) => (mode === 'throw' ? Promise.reject(new Error('boom')) : mode === 'hang' ? new Promise(() => {}) : (sent.push(s), Promise.resolve())));
    const ship = async (n: number) => {
      let p: Promise<void> | undefined;
      for (let i = 0; i < n; i++) {
        const scheduled = h.shipper.record(trace(1), h.opts);
        p ??= scheduled;
      }
      h.waits.shift()!();
      await p;
    };
    await ship(3);
    mode = 'hang';
    await ship(2); // the real 50 ms timeout
    expect(h.logs.map((l) => JSON.parse(l))).toMatchObject([
      { msg: 'stats_flush_failed', error: 'boom', flush_failures: 1, dropped_requests: 3 },
      { msg: 'stats_flush_failed', error: 'no answer within 50 ms', flush_failures: 2, dropped_requests: 5 },
    ]);
    mode = 'ok';
    await ship(1);
    await ship(1);
    expect(sent.map((s) => s.shipping)).toEqual([{ flush_failures: 2, dropped_requests: 5 }, { flush_failures: 0, dropped_requests: 0 }]);
  });
});
