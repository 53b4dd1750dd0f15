import { describe, expect, it } from 'vitest';
import { TraceExporter } from './exporter';
import { Trace } from './trace';

const ENV = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.test', OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s3cret' };

/** A finished request trace with `stages` spans (plus its root). */
function request(stages = 1, traceparent?: string): Trace {
  const t = new Trace(traceparent);
  for (let i = 0; i < stages; i++) t.span(`stage${i}`)();
  t.finish();
  return t;
}

type Call = { url: string; init: RequestInit; spans: number };

function collector(answer: (call: Call) => Promise<Response> = async () => new Response('{}')) {
  const calls: Call[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    const body = JSON.parse(init.body as string) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: unknown[] }> }> };
    const call = { url, init, spans: body.resourceSpans[0]!.scopeSpans[0]!.spans.length };
    calls.push(call);
    return answer(call);
  }) as unknown as typeof globalThis.fetch;
  return { calls, fetch };
}

describe('TraceExporter', () => {
  it('POSTs the spans to {endpoint}/v1/traces with the configured headers', async () => {
    const c = collector();
    const exporter = new TraceExporter({ fetch: c.fetch });
    await exporter.record(request(2), ENV);
    expect(c.calls).toHaveLength(1);
    expect(c.calls[0]).toMatchObject({ url: 'http://collector.test/v1/traces', spans: 3, init: { method: 'POST', headers: { 'api-key': 's3cret', 'content-type': 'application/json' } } });
    expect(exporter.counts).toEqual({ exported: 3, dropped: 0, failed: 0 });
  });

  it('does nothing when unconfigured, or when the caller did not sample the trace', async () => {
    const c = collector();
    const exporter = new TraceExporter({ fetch: c.fetch });
    await exporter.record(request(), {});
    await exporter.record(request(1, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00'), ENV);
    expect(c.calls).toHaveLength(0);
    expect(exporter.buffered).toBe(0);
  });

  it('batches what arrives while an export is in flight, and drains it in batches of batchSize', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const c = collector(async () => (await gate, new Response('{}')));
    const exporter = new TraceExporter({ fetch: c.fetch, batchSize: 4 });
    const first = exporter.record(request(1), ENV); // 2 spans, in flight
    await Promise.resolve();
    for (let i = 0; i < 3; i++) await exporter.record(request(1), ENV); // 6 spans wait: no second export
    expect(c.calls).toHaveLength(1);
    expect(exporter.buffered).toBe(6);
    release();
    await first;
    expect(c.calls.map((call) => call.spans)).toEqual([2, 4, 2]);
    expect(exporter.counts).toEqual({ exported: 8, dropped: 0, failed: 0 });
  });

  it('drops whole requests beyond the buffer bound, and counts their spans', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const c = collector(async () => (await gate, new Response('{}')));
    const exporter = new TraceExporter({ fetch: c.fetch, maxBuffered: 5 });
    const first = exporter.record(request(1), ENV);
    await Promise.resolve();
    await exporter.record(request(2), ENV); // 3: fits
    await exporter.record(request(2), ENV); // 3 more would be 6 > 5: dropped
    expect(exporter.counts.dropped).toBe(3);
    release();
    await first;
    expect(exporter.counts).toEqual({ exported: 5, dropped: 3, failed: 0 });
  });

  it('counts a refused, failed or late export as failed, and never throws', async () => {
    const refused = new TraceExporter({ fetch: collector(async () => new Response('no', { status: 503 })).fetch });
    await refused.record(request(), ENV);
    expect(refused.counts).toEqual({ exported: 0, dropped: 0, failed: 2 });

    const down = new TraceExporter({ fetch: collector(async () => Promise.reject(new TypeError('connection refused'))).fetch });
    await expect(down.record(request(), ENV)).resolves.toBeUndefined();
    expect(down.counts.failed).toBe(2);

    // Never answers: the export's deadline aborts it.
    const silent = (async (_url: string, init: RequestInit) =>
      new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)))) as unknown as typeof fetch;
    const slow = new TraceExporter({ fetch: silent });
    await slow.record(request(), { ...ENV, OTEL_EXPORTER_OTLP_TIMEOUT: '20' });
    expect(slow.counts.failed).toBe(2);
  });

  it('waits for work the request left running (a cache write) before taking its spans', async () => {
    const c = collector();
    const exporter = new TraceExporter({ fetch: c.fetch });
    const t = request(0);
    const write = t.span('cache_write');
    t.background.push(new Promise<void>((r) => setTimeout(() => (write(), r()), 5)));
    await exporter.record(t, ENV);
    const body = JSON.parse(c.calls[0]!.init.body as string);
    const span = body.resourceSpans[0].scopeSpans[0].spans.find((s: { name: string }) => s.name === 'cache_write');
    expect(span.attributes).not.toContainEqual(expect.objectContaining({ key: 'gateway.unfinished' }));
  });
});
