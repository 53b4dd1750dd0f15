// The operator dashboard (`GET /admin`, issue #11) in headless Chromium: after a scripted run of
// requests (answers, provider errors, cache hits, 429s from a tight bucket), the page — served by
// the worker as a static asset — shows the figures `/admin/stats` gives for the same window, and
// draws its charts. Expected values come from `/admin/stats` itself, never from constants.
// `SCREENSHOTS=1` spreads the run over four 10 s buckets and writes docs/dashboard.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../sim/provider.ts';
import { assertChromiumInCI, launchChromium, skipWithoutChromium } from './harness/browser.ts';
import { ADMIN_TOKEN, OTHER_TENANT_KEY, TENANT_KEY, TEST_BINDINGS, testConfig } from './harness/config.ts';
import { startGateway, type Gateway } from './harness/gateway.ts';
import { ROOT } from './harness/paths.ts';
import { chat } from './harness/requests.ts';

const SCREENSHOTS = process.env.SCREENSHOTS === '1';
/** Waves of the scripted run, 10 s apart (one stats bucket each); one is enough for the checks. */
const WAVES = SCREENSHOTS ? 4 : 1;
const PER_WAVE = 24;
const N = WAVES * PER_WAVE;

let provider: SimProvider;
let gateway: Gateway;

const stats = async (window = '1m') => {
  const res = await fetch(`${gateway.url}/admin/stats?window=${window}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as any;
};

/** One wave: plain answers, a repeated question (cache hits), a failing endpoint, a tight bucket, the batch lane. */
async function wave(w: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < PER_WAVE; i += 6) {
    statuses.push(...(await Promise.all(['plain', 'cached', 'west', 'globex', 'batch', 'plain'].map(async (kind, j) => {
      const n = `${w}-${i + j}`;
      const body =
        kind === 'west' ? { model: 'sim-large', messages: [{ role: 'user', content: `large ${n}` }] }
        : kind === 'cached' ? { temperature: 0, messages: [{ role: 'user', content: 'the same question every time' }] }
        : kind === 'batch' ? { messages: [{ role: 'user', content: `batch ${n}` }], gateway: { priority: 'batch' } }
        : { messages: [{ role: 'user', content: `question ${n}` }] };
      const res = await chat(gateway.url, body, { key: kind === 'globex' ? OTHER_TENANT_KEY : TENANT_KEY });
      await res.arrayBuffer();
      return res.status;
    }))));
  }
  return statuses;
}

beforeAll(async () => {
  provider = await startProvider();
  provider.setFaults('east', { firstTokenMs: 8, interTokenMs: 1 });
  provider.setFaults('west', { status: 500 });
  const config = testConfig({ providerUrl: provider.url });
  // globex: a tight interactive bucket (3, next to no refill) for 429s.
  config.tenants[1].limits = { interactive: { capacity: 3, refillPerSecond: 0.001 } };
  config.slo = { provider_ttft: 1200, total: 3000 };
  config.stats = { flushMs: 200 };
  gateway = await startGateway(config, TEST_BINDINGS);
  const statuses: number[] = [];
  for (let w = 0; w < WAVES; w++) {
    if (w > 0) await new Promise((r) => setTimeout(r, 10_000));
    statuses.push(...(await wave(w)));
  }
  // The run is mixed as intended.
  expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(N / 3);
  expect(statuses).toContain(429);
  expect(statuses.filter((s) => s >= 500).length).toBeGreaterThanOrEqual(N / 6);
  // Until every request has been shipped to the stats object.
  const deadline = Date.now() + 10_000;
  while ((await stats()).requests < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}, 30_000 + WAVES * 10_000);

afterAll(async () => {
  await gateway?.close();
  await provider?.close();
});

describe('GET /admin, the page', () => {
  it('is a static asset at /admin, public: the data needs the token, the page does not', async () => {
    const res = await fetch(`${gateway.url}/admin`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('operator dashboard');
    // Its script and uPlot's CSS are bundled and served with it (no CDN).
    for (const file of ['dashboard.js', 'dashboard.css']) expect((await fetch(`${gateway.url}/${file}`)).status).toBe(200);
    // /admin/ belongs to the worker (run_worker_first): it sends the browser to the page.
    const slash = await fetch(`${gateway.url}/admin/`, { redirect: 'manual' });
    expect(slash.status).toBe(308);
    expect(slash.headers.get('location')).toBe('/admin');
    expect((await fetch(`${gateway.url}/admin/stats`)).status).toBe(401);
  });
});

it('chromium is installed where required', assertChromiumInCI);

describe.skipIf(skipWithoutChromium())('the dashboard in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  const text = (selector: string) => page.locator(selector).first().textContent();
  /** The page shows the window's request count as /admin/stats gives it now (the run ages out of a 1m window). */
  const showsCurrentCount = async () => (await text('[data-figure=requests]')) === String((await stats()).requests);
  const percent = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)} %`);

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async (ctx) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    ctx.onTestFinished(() => context.close());
  });

  const open = async (token?: string) => {
    await page.goto(`${gateway.url}/admin`);
    if (token !== undefined) {
      await page.fill('#token', token);
      await page.click('#show');
    }
  };

  it('with the admin token, shows the figures /admin/stats gives and draws the charts', async () => {
    const view = await stats();
    expect(view.requests).toBe(N);
    await open(ADMIN_TOKEN);
    await expect.poll(() => text('[data-figure=requests]'), { timeout: 10_000 }).toBe(String(view.requests));

    // Tiles: requests, errors, error rate, 429s, hit rate, cost per request and per successful task.
    const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
    expect(await text('[data-figure=errors]')).toBe(String(sum(view.errors)));
    expect(await text('[data-figure=error-rate]')).toBe(percent(view.error_rate));
    expect(await text('[data-figure=rejected]')).toBe(String(sum(view.ratelimit.rejected)));
    expect(await text('[data-figure=hit-rate]')).toBe(percent(view.cache.hit_rate));
    expect(view.cache.hit_rate).toBeGreaterThan(0);
    expect(await text('[data-figure=cost-per-request]')).toBe(`$${view.cost.per_request_usd.toFixed(8)}`);
    expect(view.cost.per_successful_task_usd).toBeNull();
    expect(await text('[data-figure=cost-per-task]')).toBe('—');

    // Tables: errors by code, 429s per lane, breakers, cache layers, stages against their SLO, tenants.
    const rows = async (table: string, figure: string) =>
      Object.fromEntries(await page.locator(`#${table} tbody tr[data-key]`).evaluateAll((trs, f) =>
        trs.map((tr) => [(tr as HTMLElement).dataset.key!, tr.querySelector(`[data-figure="${f}"]`)?.textContent ?? '']), figure));
    const asText = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).map(([k, n]) => [k, String(n)]));
    expect(Object.keys(view.errors).length).toBeGreaterThanOrEqual(2);
    expect(await rows('errors', 'count')).toEqual(asText(view.errors));
    expect(await rows('ratelimit', 'rejected')).toEqual(asText(view.ratelimit.rejected));
    expect(Object.keys(view.breakers)).toContain('sim-large/west');
    expect(await rows('breakers', 'state')).toEqual(view.breakers);
    expect(await page.locator('#breakers tr[data-key="sim-large/west"] td.state').getAttribute('class')).toMatch(view.breakers['sim-large/west'] === 'closed' ? /good/ : /bad|mid/);
    expect(await rows('cache', 'hits')).toMatchObject(asText(view.cache.hits));
    expect(Object.keys(await rows('stages', 'p95')).sort()).toEqual(Object.keys(view.stages).sort());
    const slo = Object.fromEntries(Object.entries(await rows('stages', 'slo')).filter(([, v]) => v !== ''));
    expect(slo).toEqual({ provider_ttft: view.stages.provider_ttft.breached ? 'breached' : 'ok', total: view.stages.total.breached ? 'breached' : 'ok' });
    expect(await rows('tenants', 'requests')).toEqual(Object.fromEntries(Object.entries(view.by_tenant).map(([k, t]: [string, any]) => [k, String(t.requests)])));
    expect(await rows('models', 'requests')).toEqual(Object.fromEntries(Object.entries(view.by_model).map(([k, m]: [string, any]) => [k, String(m.requests)])));

    // Charts: five uPlots over the window's buckets, each canvas with something drawn on it; the
    // stage chart has a dashed line for each budget.
    expect(await page.locator('.chart canvas').count()).toBe(5);
    const inked = await page.locator('.chart canvas').evaluateAll((canvases) =>
      canvases.map((c) => {
        const { data } = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height);
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return n;
      }),
    );
    expect(inked.every((n) => n > 100), `inked pixels per chart: ${inked}`).toBe(true);
    const legend = await page.locator('[data-chart=stages] .u-legend .u-label').allTextContents();
    expect(legend).toEqual(expect.arrayContaining(['provider_ttft', 'provider_ttft SLO', 'total', 'total SLO']));

    // The window picker asks again for the chosen window.
    const asked = page.waitForRequest((r) => r.url().includes('/admin/stats?window=15m'));
    await page.selectOption('#window', '15m');
    await asked;
    await expect.poll(() => text('#status')).toMatch(/^15m window/);
    expect(await text('[data-figure=requests]')).toBe(String((await stats('15m')).requests));

    if (SCREENSHOTS) {
      await page.selectOption('#window', '1m');
      await expect.poll(() => text('#status')).toMatch(/^1m window/);
      await page.screenshot({ path: `${ROOT}/docs/dashboard.png`, fullPage: true });
    }
  });

  it('without a token, asks for one and calls nothing', async () => {
    const calls: string[] = [];
    page.on('request', (r) => calls.push(new URL(r.url()).pathname));
    await open();
    await expect.poll(() => text('#message')).toMatch(/Enter the admin token/);
    expect(await page.isHidden('#dashboard')).toBe(true);
    expect(calls).not.toContain('/admin/stats');
  });

  it('a wrong token shows the 403 message, and the dashboard stays hidden', async () => {
    await open('not-the-admin-token');
    await expect.poll(() => text('#message')).toMatch(/refused.*403 admin_forbidden/);
    expect(await page.isHidden('#dashboard')).toBe(true);
    expect(await text('#status')).toBe('error 403');
  });

  it('a 503 from the stats store says so, and the next refresh recovers by itself', async () => {
    // The stats object failing, played by the browser's request interception: the gateway's own
    // 503 body (src/errors.ts statsUnavailable), once.
    let refused = 0;
    await page.route('**/admin/stats?*', (route) => {
      if (refused++ > 0) return route.continue();
      return route.fulfill({
        status: 503,
        headers: { 'content-type': 'application/json', 'retry-after': '5' },
        body: JSON.stringify({ error: { message: 'The stats store (the GATEWAY_STATS Durable Object) did not answer.', type: 'server_error', code: 'stats_unavailable', param: null, request_id: 'req_x' } }),
      });
    });
    await open(ADMIN_TOKEN);
    await expect.poll(() => text('#message')).toMatch(/stats store did not answer.*503 stats_unavailable/);
    await expect.poll(showsCurrentCount, { timeout: 8000 }).toBe(true);
    expect(await text('#message')).toBe('');
  });

  it('keeps the token for the tab: a reload shows the figures again, and refreshes on its own', async () => {
    await open(ADMIN_TOKEN);
    await expect.poll(showsCurrentCount).toBe(true);
    await page.reload();
    expect(await page.inputValue('#token')).toBe(ADMIN_TOKEN);
    await expect.poll(showsCurrentCount).toBe(true);
    // The next refresh comes by itself, within the 5 s period.
    await page.waitForRequest((r) => r.url().includes('/admin/stats'), { timeout: 7000 });
  });
});
