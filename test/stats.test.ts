// Stats across isolates (issue #11): two isolates of the built worker in one workerd ship their
// summaries to the one GATEWAY_STATS Durable Object; /admin/stats answers the merged window with
// the run's exact counts and quantiles within the histogram's stated error. SLO alarms fire once
// per window; a failing stats object costs no request anything.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../sim/provider.ts';
import { waitFor } from '../sim/testing.ts';
import { ALPHA } from '../src/telemetry/histogram.ts';
import { ADMIN_TOKEN, OTHER_TENANT_KEY, TENANT_KEY, TEST_BINDINGS, testConfig } from './harness/config.ts';
import { startGateway, type Gateway } from './harness/gateway.ts';
import { chat } from './harness/requests.ts';

const stats = async (url: string, query = 'window=1m') => {
  const res = await fetch(`${url}/admin/stats?${query}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return { status: res.status, body: (await res.json()) as any };
};

/** The exact lower quantile the histogram estimates: the ⌊q·(n−1)⌋-th smallest value. */
const exactQuantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

const count = <T,>(xs: T[], key: (x: T) => string | undefined) => {
  const out: Record<string, number> = {};
  for (const x of xs) {
    const k = key(x);
    if (k !== undefined) out[k] = (out[k] ?? 0) + 1;
  }
  return out;
};

async function inBatches<T>(n: number, size: number, run: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => run(i + j)))));
  return out;
}

describe('stats across two isolates', () => {
  let provider: SimProvider;
  let gateway: Gateway;

  beforeAll(async () => {
    provider = await startProvider();
    provider.setFaults('east', { firstTokenMs: 20, interTokenMs: 1 });
    provider.setFaults('west', { status: 500 });
    const config = testConfig({ providerUrl: provider.url });
    // globex: a tight interactive bucket (3 per isolate, no refill to speak of) for 429s.
    config.tenants[1].limits = { interactive: { capacity: 3, refillPerSecond: 0.001 } };
    config.stats = { flushMs: 300 };
    gateway = await startGateway(config, TEST_BINDINGS, { isolates: 2 });
  });
  afterAll(async () => {
    await gateway?.close();
    await provider?.close();
  });

  it('two isolates write into one window whose counts equal the run exactly and whose quantiles are within α', async () => {
    expect(gateway.urls).toHaveLength(2);
    const N = 120;
    const sent = await inBatches(N, 6, async (i) => {
      const url = gateway.urls[i % 2]!;
      const kind = ['globex', 'west', 'cached', 'batch', 'plain', 'plain'][i % 6]!;
      const body: Record<string, unknown> =
        kind === 'west' ? { model: 'sim-large', messages: [{ role: 'user', content: `large ${i}` }] }
        : kind === 'cached' ? { temperature: 0, messages: [{ role: 'user', content: 'the same question every time' }] }
        : kind === 'batch' ? { messages: [{ role: 'user', content: `batch ${i}` }], gateway: { priority: 'batch' } }
        : { messages: [{ role: 'user', content: `question ${i}` }] };
      const res = await chat(url, body, { key: kind === 'globex' ? OTHER_TENANT_KEY : TENANT_KEY });
      const json = (await res.json()) as any;
      return { kind, status: res.status, code: json.error?.code as string | undefined, id: res.headers.get('x-request-id')!, tenant: kind === 'globex' ? 'globex' : 'acme', lane: kind === 'batch' ? 'batch' : 'interactive' };
    });
    // The run is mixed as intended.
    expect(sent.filter((s) => s.code === 'rate_limit_exceeded').length).toBeGreaterThan(0);
    expect(sent.filter((s) => s.kind === 'west' && s.status >= 500).length).toBe(20);

    await waitFor(() => gateway.requestLogs().length >= N, 10_000);
    const logs = gateway.requestLogs();
    const byId = new Map(logs.map((l) => [l.request_id, l]));
    const mine = sent.map((s) => byId.get(s.id)!);
    expect(mine.every(Boolean)).toBe(true);
    const hits = count(mine, (l) => (typeof l.cache === 'string' && l.cache.startsWith('hit-') ? l.cache.slice(4) : undefined));
    expect(Object.values(hits).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    let view: any;
    const deadline = Date.now() + 10_000;
    do {
      view = (await stats(gateway.urls[1]!)).body;
      if (view.requests >= N) break;
      await new Promise((r) => setTimeout(r, 200));
    } while (Date.now() < deadline);

    // Counts: exactly the run's.
    expect(view.window).toBe('1m');
    expect(view.requests).toBe(N);
    expect(view.errors).toEqual(count(sent, (s) => s.code));
    expect(view.ratelimit.rejected).toEqual(count(sent.filter((s) => s.code === 'rate_limit_exceeded'), (s) => s.lane));
    expect(view.cache.hits).toEqual({ memory: hits.memory ?? 0, redis: hits.redis ?? 0, kv: hits.kv ?? 0, semantic: hits.semantic ?? 0 });
    expect(view.cache.misses).toBe(mine.filter((l) => l.cache === 'miss').length);
    expect(view.by_tenant.acme.requests).toBe(sent.filter((s) => s.tenant === 'acme').length);
    expect(view.by_tenant.globex).toMatchObject({ requests: 20, rejected: sent.filter((s) => s.tenant === 'globex' && s.code === 'rate_limit_exceeded').length });
    const models = count(mine, (l) => (l.served_model ?? l.model) as string | undefined);
    expect(Object.fromEntries(Object.entries(view.by_model).map(([id, m]: [string, any]) => [id, m.requests]))).toEqual(models);
    expect(view.by_model['sim-large'].errors).toBe(20);
    const cost = mine.reduce((a, l) => a + ((l.cost_usd as number | undefined) ?? 0), 0);
    expect(view.cost.total_usd).toBeCloseTo(cost, 7);
    expect(view.cost).toMatchObject({ per_successful_task_usd: null, tasks_succeeded: 0, tasks_failed: 0 });
    expect(Object.keys(view.breakers)).toContain('sim-large/west');
    expect(view.series).toHaveLength(6);
    expect(view.series.reduce((a: number, p: any) => a + p.requests, 0)).toBe(N);

    // Quantiles: within α of the exact ones from the gateway's own log lines. (Stages a request
    // goes through once; a retried upstream_headers is one log value but several observations.)
    const observed = (stage: string) => mine.map((l) => (l.stages as Record<string, number>)[stage]).filter((v): v is number => v !== undefined);
    const series: Record<string, number[]> = {
      auth: observed('auth'),
      ratelimit: observed('ratelimit'),
      cache: observed('cache'),
      upstream_stream: observed('upstream_stream'),
      // The request's duration, fixed when the log line was written and folded as is (the log rounds to 0.1 ms).
      total: mine.map((l) => l.duration_ms as number),
    };
    let worst = 0;
    const check = (figures: any, xs: number[], what: string) => {
      for (const [q, key] of [[0.5, 'p50'], [0.95, 'p95'], [0.99, 'p99']] as const) {
        const want = exactQuantile(xs, q);
        const err = Math.abs(figures[key] - want);
        if (want > 0) worst = Math.max(worst, err / want);
        // α relative, plus the 0.005 ms the figures are rounded to (and the log's 0.05 ms rounding of total).
        expect(err, `${what} ${key}: ${figures[key]} vs ${want}`).toBeLessThanOrEqual(ALPHA * want + (what === 'total' ? 0.055 : 0.005));
      }
    };
    for (const [stage, xs] of Object.entries(series)) {
      expect(view.stages[stage].count, stage).toBe(xs.length);
      check(view.stages[stage], xs, stage);
    }
    const ttft = mine.map((l) => l.ttft_ms).filter((v): v is number => typeof v === 'number');
    expect(ttft.length).toBeGreaterThan(20);
    check(view.ttft_ms, ttft, 'ttft');
    console.log(`stats e2e: worst relative quantile error ${(worst * 100).toFixed(3)} % (α = ${ALPHA * 100} %)`);

    // The operator's own calls are not counted, and the window is validated.
    expect((await stats(gateway.url)).body.requests).toBe(N);
    expect((await stats(gateway.url, 'window=5m')).status).toBe(400);
    expect((await fetch(`${gateway.url}/admin/stats`)).status).toBe(401);
    expect((await stats(gateway.url, 'window=1h')).body.requests).toBe(N);
  });
});

describe('SLO alarm', () => {
  let provider: SimProvider;
  let gateway: Gateway;
  let hook: Server;
  const calls: any[] = [];

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        calls.push({ path: req.url, body: JSON.parse(body) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    provider = await startProvider();
    provider.setFaults('east', { firstTokenMs: 200, interTokenMs: 1 });
    const config = testConfig({ providerUrl: provider.url });
    config.slo = { provider_ttft: 50, retrieval: 250, alarmWebhook: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook` };
    config.stats = { flushMs: 150 };
    gateway = await startGateway(config, TEST_BINDINGS, { isolates: 2 });
  });
  afterAll(async () => {
    await gateway?.close();
    await provider?.close();
    await new Promise((r) => hook.close(r));
  });

  it('a stage over budget calls the webhook exactly once in the window, however many requests breach', async () => {
    // Four waves, each shipped separately: every shipment after the 5th request sees the breach.
    for (let wave = 0; wave < 4; wave++) {
      const res = await inBatches(8, 8, (i) => chat(gateway.urls[i % 2]!, { messages: [{ role: 'user', content: `slow ${wave}-${i}` }] }).then((r) => r.status));
      expect(res.every((s) => s === 200)).toBe(true);
      await new Promise((r) => setTimeout(r, 400));
    }
    await waitFor(() => calls.length > 0, 5000);
    await new Promise((r) => setTimeout(r, 800)); // room for a second (wrong) call to arrive
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ path: '/hook', body: { alarm: 'slo_breach', stage: 'provider_ttft', slo_ms: 50, window: '1m', at: expect.any(String) } });
    expect(calls[0].body.p95_ms).toBeGreaterThan(150);

    expect(gateway.output()).toContain('"msg":"slo_alarm","stage":"provider_ttft"');
    expect(gateway.output()).not.toContain('stats_flush_failed'); // every breaching shipment was taken

    const view = (await stats(gateway.url)).body;
    expect(view.requests).toBe(32);
    expect(view.stages.provider_ttft).toMatchObject({ slo_ms: 50, breached: true });
    expect(view.stages.retrieval).toMatchObject({ count: 0, slo_ms: 250, breached: false });
  });
});

describe('a failing stats object', () => {
  for (const fault of ['throw', 'hang'] as const) {
    it(`(${fault}) fails no request; the isolate drops the shipment and counts it`, async () => {
      const provider = await startProvider();
      provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0 });
      const config = testConfig({ providerUrl: provider.url });
      config.stats = { flushMs: 100, timeoutMs: 300 };
      const gateway = await startGateway(config, { ...TEST_BINDINGS, GATEWAY_STATS_FAULT: fault });
      try {
        const statuses: number[] = [];
        for (let wave = 0; wave < 3; wave++) {
          statuses.push(...(await inBatches(4, 4, (i) => chat(gateway.url, { messages: [{ role: 'user', content: `q ${wave}-${i}` }] }).then((r) => r.status))));
          await new Promise((r) => setTimeout(r, 500));
        }
        expect(statuses.filter((s) => s !== 200)).toEqual([]);
        const failures = () =>
          gateway.output().split('\n').filter((l) => l.includes('"msg":"stats_flush_failed"')).map((l) => JSON.parse(l));
        await waitFor(() => failures().length >= 3, 5000);
        const counts = failures().map((f) => f.flush_failures);
        expect(counts.slice(0, 3)).toEqual([1, 2, 3]);
        expect(failures()[2].dropped_requests).toBe(12);
        if (fault === 'hang') expect(failures()[0].error).toBe('no answer within 300 ms');
        // The window itself is still readable; it simply never received anything.
        expect((await stats(gateway.url)).body.requests).toBe(0);
      } finally {
        await gateway.close();
        await provider.close();
      }
    });
  }
});
