// One structured log line per request, with the figures an operator needs, and no secret ever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../sim/provider.ts';
import { waitFor } from '../sim/testing.ts';
import { PROVIDER_KEY, TENANT_KEY, TEST_BINDINGS, testConfig } from './harness/config.ts';
import { startGateway, type Gateway } from './harness/gateway.ts';
import { chat } from './harness/requests.ts';
import { FrameReader } from './harness/sse.ts';

let provider: SimProvider;
let gateway: Gateway;

beforeAll(async () => {
  provider = await startProvider();
  provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0 });
  gateway = await startGateway(testConfig({ providerUrl: provider.url }), TEST_BINDINGS);
});
afterAll(async () => {
  await gateway?.close();
  await provider?.close();
});

const logFor = (requestId: string | null) => gateway.requestLogs().find((l) => l.request_id === requestId);

describe('request log', () => {
  it('writes one line per request with stages, status, model, tokens and cost', async () => {
    const res = await chat(gateway.url, { stream: true });
    await new FrameReader(res).rest();
    const id = res.headers.get('x-request-id');
    await waitFor(() => logFor(id) !== undefined);
    expect(gateway.requestLogs().filter((l) => l.request_id === id)).toHaveLength(1);
    expect(logFor(id)).toMatchObject({
      status: 200,
      tenant: 'acme',
      model: 'sim-small',
      endpoint: 'east',
      stream: true,
      outcome: 'complete',
      prompt_tokens: expect.any(Number),
      completion_tokens: 40,
      cost_usd: expect.any(Number),
      ttft_ms: expect.any(Number),
      stages: expect.objectContaining({ auth: expect.any(Number), validate: expect.any(Number), upstream_headers: expect.any(Number), upstream_stream: expect.any(Number) }),
      trace_id: res.headers.get('traceparent')!.split('-')[1],
    });
  });

  it('logs refusals too, with their error code', async () => {
    const res = await chat(gateway.url, {}, { key: 'sk-wrong' });
    const id = res.headers.get('x-request-id');
    await waitFor(() => logFor(id) !== undefined);
    expect(logFor(id)).toMatchObject({ status: 401, error_code: 'invalid_api_key' });
  });

  it('never writes a key: not the tenant’s, not the provider’s, not a wrong one', async () => {
    await chat(gateway.url, {});
    await chat(gateway.url, {}, { key: 'sk-attacker-guess-123' });
    await waitFor(() => gateway.requestLogs().length >= 4);
    const output = gateway.output();
    for (const secret of [TENANT_KEY, PROVIDER_KEY, 'sk-attacker-guess-123', 'Bearer']) expect(output).not.toContain(secret);
  });
});
