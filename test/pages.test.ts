// The demo pages in a real browser (headless Chromium): the `openai` SDK page calling the gateway
// cross-origin (so CORS is the browser's, not a test's idea of it), and the chat page on the AI
// SDK's client against `/v1/chat`. Pages are built into ./public by the global setup and served by
// the worker (Workers Static Assets) or, for the cross-origin page, by a static server on another
// port. `SCREENSHOTS=1` also writes docs/*.png from these runs.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PUBLIC_DIR } from '../scripts/build-pages.ts';
import { startOrigin, type SimOrigin } from '../sim/origin.ts';
import { startProvider, type SimProvider } from '../sim/provider.ts';
import { simAnswer } from '../sim/text.ts';
import { waitFor } from '../sim/testing.ts';
import { assertChromiumInCI, launchChromium, skipWithoutChromium, startStaticServer, type StaticServer } from './harness/browser.ts';
import { TENANT_KEY, TEST_BINDINGS, testConfig } from './harness/config.ts';
import { startGateway, type Gateway } from './harness/gateway.ts';
import { ROOT } from './harness/paths.ts';

const QUESTION = 'How do circuit breakers protect an LLM gateway?';
const SCREENSHOTS = process.env.SCREENSHOTS === '1';

let provider: SimProvider;
let origin: SimOrigin;
let pages: StaticServer;
let gateway: Gateway;
let browser: Browser;
let page: Page;

const config = (allowOrigins: string[]) => ({
  ...testConfig({ providerUrl: provider.url, originUrl: origin.url }),
  cors: { allowOrigins },
});

/** The sim's answer to the one call the provider saw, for the model the gateway chose. */
function expectedAnswer(): string {
  expect(provider.calls).toHaveLength(1);
  const body = provider.calls[0]!.body as { model: string; messages: Array<{ role: string; content: string }> };
  return simAnswer(body.model, body.messages).text;
}

async function ask(p: Page, { model = 'auto', key = TENANT_KEY } = {}): Promise<void> {
  await p.fill('#key', key);
  await p.fill('#model', model);
  await p.fill('#question', QUESTION);
  await p.click('#send');
}

const status = (p: Page) => p.locator('#status');

it('chromium is installed where required', assertChromiumInCI);

describe.skipIf(skipWithoutChromium())('demo pages in headless Chromium', () => {
  beforeAll(async () => {
    [provider, origin, pages, browser] = await Promise.all([startProvider(), startOrigin(), startStaticServer(PUBLIC_DIR), launchChromium()]);
    gateway = await startGateway(config([pages.url]), TEST_BINDINGS);
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([gateway?.close(), pages?.close(), provider?.close(), origin?.close()]);
  });
  beforeEach(async (ctx) => {
    provider.reset();
    origin.reset();
    // Quick tokens by default; a test that needs time to press Stop slows them down.
    for (const scope of ['east', 'west']) provider.setFaults(scope, { firstTokenMs: 5, interTokenMs: 5 });
    const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
    page = await context.newPage();
    ctx.onTestFinished(() => context.close());
  });

  describe('openai SDK page, cross-origin /v1/chat/completions', () => {
    const open = (p: Page) => p.goto(`${pages.url}/sdk.html?gateway=${encodeURIComponent(gateway.url)}`);

    it('streams the answer through the browser SDK, after a real CORS preflight', async () => {
      const requests: Array<Promise<{ method: string; origin?: string }>> = [];
      page.on('request', (r) => {
        // allHeaders(): what the browser really sent, Origin included.
        if (r.url().startsWith(`${gateway.url}/v1/`)) requests.push(r.allHeaders().then((h) => ({ method: r.method(), origin: h.origin })));
      });
      await open(page);
      await expect.poll(() => page.textContent('#origins')).toContain('(cross-origin)');
      await ask(page);
      await expect.poll(() => status(page).textContent(), { timeout: 10_000 }).toBe('done');

      expect(await page.textContent('#answer')).toBe(expectedAnswer());
      // Sources from the origin, model, cost and ids from the gateway's chunk metadata.
      expect(await page.locator('#sources li').count()).toBeGreaterThan(0);
      expect(origin.calls.map((c) => c.route)).toEqual(['retrieve']);
      expect(await page.textContent('[data-field=model]')).toBe((provider.calls[0]!.body as { model: string }).model);
      expect(Number((await page.textContent('[data-field=cost]'))!.slice(1))).toBeGreaterThan(0);
      expect(await page.textContent('[data-field=trace-id]')).toMatch(/^[0-9a-f]{32}$/);
      // Cross-origin from the browser's side: the POST carried the page's Origin…
      expect(await Promise.all(requests)).toContainEqual({ method: 'POST', origin: pages.url });
      // …and the gateway answered a preflight for it first (Authorization and the SDK's
      // x-stainless-* headers are not CORS-safelisted, so the browser must ask).
      await waitFor(() => gateway.requestLogs().some((l) => l.method === 'OPTIONS'), 3000);
      expect(gateway.requestLogs().find((l) => l.method === 'OPTIONS')).toMatchObject({ path: '/v1/chat/completions', status: 204 });
      if (SCREENSHOTS) await page.screenshot({ path: `${ROOT}/docs/sdk-page.png`, fullPage: true });
    });

    it('Stop aborts the stream and the gateway cancels the provider call', async () => {
      // ~40 tokens at 150 ms: 6 s to the end, so only a cancelled call ends early.
      for (const scope of ['east', 'west']) provider.setFaults(scope, { firstTokenMs: 5, interTokenMs: 150 });
      await open(page);
      await ask(page);
      await expect.poll(async () => ((await page.textContent('#answer')) ?? '').split(' ').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
      await page.click('#stop');
      await expect.poll(() => status(page).textContent()).toBe('stopped');
      await waitFor(() => provider.calls[0]?.aborted === true, 3000);
      const call = provider.calls[0]!;
      expect(call.endedAt! - call.startedAt).toBeLessThan(3000);
      const shown = (await page.textContent('#answer')) ?? '';
      expect(expectedAnswer().startsWith(shown)).toBe(true);
      expect(shown.length).toBeLessThan(expectedAnswer().length);
    });

    it('an origin the config does not allow is refused by the browser; the provider is never called', async () => {
      await gateway.setConfig(config(['https://app.example.com']), TEST_BINDINGS);
      try {
        await open(page);
        await ask(page);
        await expect.poll(() => status(page).textContent(), { timeout: 10_000 }).toBe('error');
        expect(await page.textContent('#error')).toMatch(/connection error/i);
        expect(provider.calls).toHaveLength(0);
      } finally {
        await gateway.setConfig(config([pages.url]), TEST_BINDINGS);
      }
    });
  });

  describe('chat page (AI SDK client), /v1/chat', () => {
    it('renders a UI-message stream in order: sources, text, then model, cost and trace id', async () => {
      // The page against the protocol alone (a recorded stream, answered by the browser's request
      // interception), so it is checked on a branch without the endpoint too.
      let sent: { body: Record<string, any>; authorization?: string } | undefined;
      const meta = { request_id: 'req_0123456789abcdef01234567', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', model: 'sim-small', tier: 'small', cache: 'miss', degraded: [], cost_usd: 0.0000123 };
      const parts = [
        { type: 'start', messageId: 'msg_1' },
        { type: 'source-document', sourceId: 'doc-1', mediaType: 'text/plain', title: 'Circuit breakers' },
        { type: 'source-document', sourceId: 'doc-2', mediaType: 'text/plain', title: 'Retry budgets' },
        { type: 'text-start', id: 't1' },
        { type: 'text-delta', id: 't1', delta: 'Breakers stop' },
        { type: 'text-delta', id: 't1', delta: ' calls to a failing endpoint.' },
        { type: 'text-end', id: 't1' },
        { type: 'message-metadata', messageMetadata: meta },
        { type: 'finish' },
      ];
      await page.route('**/v1/chat', (route) => {
        sent = { body: route.request().postDataJSON(), authorization: route.request().headers().authorization };
        return route.fulfill({
          status: 200,
          headers: { 'content-type': 'text/event-stream', 'x-vercel-ai-ui-message-stream': 'v1' },
          body: `${parts.map((p) => `data: ${JSON.stringify(p)}\n\n`).join('')}data: [DONE]\n\n`,
        });
      });
      await page.goto(gateway.url);
      await ask(page);
      await expect.poll(() => status(page).textContent()).toBe('done');
      expect(await page.locator('#sources li').allTextContents()).toEqual(['Circuit breakers', 'Retry budgets']);
      expect(await page.textContent('#answer')).toBe('Breakers stop calls to a failing endpoint.');
      expect(await page.textContent('[data-field=model]')).toBe('sim-small');
      expect(await page.textContent('[data-field=cost]')).toBe('$0.00001230');
      expect(await page.textContent('[data-field=trace-id]')).toBe(meta.trace_id);
      // What useChat's transport sends, plus the page's model and gateway extension.
      expect(sent?.authorization).toBe(`Bearer ${TENANT_KEY}`);
      expect(sent?.body).toMatchObject({
        trigger: 'submit-message', model: 'auto', gateway: { retrieval: { topK: 4 } },
        messages: [{ role: 'user', parts: [{ type: 'text', text: QUESTION }] }],
      });
      expect(typeof sent?.body.id).toBe('string');
    });

    describe('against the gateway', () => {
      it('streams sources, then the answer, then model, cost and trace id', async () => {
        await page.goto(gateway.url);
        await ask(page);
        await expect.poll(() => status(page).textContent(), { timeout: 10_000 }).toBe('done');
        expect(await page.textContent('#answer')).toBe(expectedAnswer());
        expect(await page.locator('#sources li').count()).toBeGreaterThan(0);
        expect(await page.textContent('[data-field=model]')).toBe((provider.calls[0]!.body as { model: string }).model);
        expect(Number((await page.textContent('[data-field=cost]'))!.slice(1))).toBeGreaterThan(0);
        expect(await page.textContent('[data-field=trace-id]')).toMatch(/^[0-9a-f]{32}$/);
        expect(await page.textContent('#error')).toBe('');
        if (SCREENSHOTS) await page.screenshot({ path: `${ROOT}/docs/chat-page.png`, fullPage: true });
      });

      it('Stop aborts the stream and the gateway cancels the provider call', async () => {
        for (const scope of ['east', 'west']) provider.setFaults(scope, { firstTokenMs: 5, interTokenMs: 150 });
        await page.goto(gateway.url);
        await ask(page);
        await expect.poll(async () => ((await page.textContent('#answer')) ?? '').split(' ').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
        await page.click('#stop');
        await expect.poll(() => status(page).textContent()).toBe('stopped');
        await waitFor(() => provider.calls[0]?.aborted === true, 3000);
        expect(provider.calls[0]!.endedAt! - provider.calls[0]!.startedAt).toBeLessThan(3000);
      });
    });
  });
});
