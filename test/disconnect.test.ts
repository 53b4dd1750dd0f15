// A client that goes away cancels the upstream work it started (design §5). Observed at the sim:
// it records a call as aborted when the gateway closed the connection before the answer ended.
//
// What workerd does (1.20261117, local, with or without Miniflare's entry worker in front):
// - once a streamed response has started, a client disconnect cancels the response's
//   ReadableStream; the gateway then aborts its upstream fetch at once (first test);
// - before the response has started (a non-stream request waiting on the provider), local workerd
//   does not notice the disconnect at all: `request.signal` (flag `enable_request_signal`) never
//   fires and the request is not cancelled. Cloudflare's edge cancels such a request and fires the
//   signal, which the gateway passes to the upstream fetch; locally the request's own deadline is
//   what bounds the orphaned work (second test).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../sim/provider.ts';
import { waitFor } from '../sim/testing.ts';
import { TEST_BINDINGS, testConfig } from './harness/config.ts';
import { startGateway, type Gateway } from './harness/gateway.ts';
import { chat } from './harness/requests.ts';
import { FrameReader } from './harness/sse.ts';

let provider: SimProvider;
let gateway: Gateway;
const FIRST_TOKEN_MS = 800;

beforeAll(async () => {
  provider = await startProvider();
  gateway = await startGateway(testConfig({ providerUrl: provider.url, budgets: { firstTokenMs: FIRST_TOKEN_MS, idleMs: 10000 } }), TEST_BINDINGS);
});
afterAll(async () => {
  await gateway?.close();
  await provider?.close();
});
beforeEach(() => provider.reset());

describe('client disconnect', () => {
  it('closing a stream mid-answer aborts the upstream fetch', async () => {
    // Slow tokens: the answer would take ~4 s, so only a cancelled upstream ends early.
    provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 100 });
    const controller = new AbortController();
    const frames = new FrameReader(await chat(gateway.url, { stream: true }, { signal: controller.signal }));
    let content = 0;
    while (content < 3) {
      const f = await frames.next();
      if (f?.data && JSON.parse(f.data).choices?.[0]?.delta?.content) content++;
    }
    controller.abort();
    await waitFor(() => provider.calls[0]?.aborted === true, 3000);
    expect(provider.calls[0]!.endedAt! - provider.calls[0]!.startedAt).toBeLessThan(3000);
    await waitFor(() => gateway.requestLogs().some((l) => l.outcome === 'client_gone'), 3000);
  });

  it('an abandoned non-stream request stops its upstream call by its deadline, not later', async () => {
    provider.setFaults('east', { hang: true });
    const controller = new AbortController();
    const pending = chat(gateway.url, {}, { signal: controller.signal }).catch((e: Error) => e);
    await waitFor(() => provider.calls.length === 1);
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    await waitFor(() => provider.calls[0]?.aborted === true, FIRST_TOKEN_MS + 3000);
    const call = provider.calls[0]!;
    expect(call.endedAt! - call.startedAt).toBeGreaterThanOrEqual(FIRST_TOKEN_MS - 100);
  });
});
