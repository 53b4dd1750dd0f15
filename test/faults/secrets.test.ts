// No secret reaches a client or a log (design §5): a provider that echoes the key it was sent is
// the worst case — every path its text can take to a client is tried with a canary key.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOrigin, type SimOrigin } from '../../sim/origin.ts';
import { startProvider, type SimProvider, type ProviderFaults } from '../../sim/provider.ts';
import { waitFor } from '../../sim/testing.ts';
import { OTHER_TENANT_KEY, testConfig } from '../harness/config.ts';
import { startGateway, type Gateway } from '../harness/gateway.ts';
import { chat } from '../harness/requests.ts';

/** The provider key: not `sk-`-shaped, so only scrubbing the endpoint's own key can hide it. */
const CANARY = 'canary-7f3a9c2e5b1d4086a1c3';
const BINDINGS = { EAST_KEY: CANARY };

let provider: SimProvider;
let origin: SimOrigin;
let gateway: Gateway;
let config: Record<string, any>;

beforeAll(async () => {
  provider = await startProvider();
  origin = await startOrigin();
  config = testConfig({ providerUrl: provider.url, originUrl: origin.url });
  config.tenants[1].logContent = true; // globex opts in to content in its logs; acme does not
  config.resilience = { retry: { maxAttempts: 1 } };
  gateway = await startGateway(config, BINDINGS);
});
afterAll(async () => {
  await gateway?.close();
  await origin?.close();
  await provider?.close();
});
beforeEach(async () => {
  provider.reset();
  await gateway.setConfig(config, BINDINGS); // a fresh isolate: no endpoint cooling after a 429
});

/** Everything a client received: status line aside, every header and the whole body. */
async function received(res: Response): Promise<string> {
  const headers = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  return `${headers}\n\n${await res.text()}`;
}

function expectNoSecret(text: string) {
  expect(text).not.toContain(CANARY);
  expect(text).not.toMatch(/\bBearer\s+\S/i);
  expect(text).not.toMatch(/\bsk-[A-Za-z0-9_-]{6,}/);
}

describe('provider text that echoes the key', () => {
  const fast = { firstTokenMs: 1, interTokenMs: 0, echoAuthorization: true };
  const cases: Array<[string, ProviderFaults, number]> = [
    ['400', { status: 400 }, 400],
    ['413', { status: 413 }, 413],
    ['422', { status: 422 }, 422],
    ['401', { status: 401 }, 502],
    ['429', { status: 429 }, 429],
    ['500', { status: 500 }, 502],
    ['a mid-stream error event after 3 tokens', { errorEventAfterTokens: 3 }, 502],
    ['an error event before any token', { errorEventAfterTokens: 0 }, 502],
  ];
  for (const [name, faults, status] of cases) {
    for (const stream of [false, true]) {
      it(`${name}, ${stream ? 'streamed' : 'non-stream'}: the key and any key-shaped token reach neither the client nor the log`, async () => {
        provider.setFaults('east', { ...fast, ...faults });
        const res = await chat(gateway.url, { stream });
        expect(res.status).toBe(stream ? 200 : status);
        const text = await received(res);
        // The provider did echo the key: the gateway is what stands between it and the client.
        expect(provider.calls[0]!.authorization).toBe(`Bearer ${CANARY}`);
        expect(text).toContain('"error"');
        expectNoSecret(text);
        const id = res.headers.get('x-request-id');
        await waitFor(() => gateway.requestLogs().some((l) => l.request_id === id));
        expectNoSecret(gateway.output());
      });
    }
  }

  it('the client still learns what the provider objected to, with the key masked', async () => {
    provider.setFaults('east', { ...fast, status: 400 });
    const { error } = (await (await chat(gateway.url, {})).json()) as { error: { message: string } };
    expect(error.message).toContain('Incorrect API key provided: [redacted]');
  });
});

describe('user content in logs', () => {
  const CARD = '4111 1111 1111 1111';
  const ask = (key?: string) =>
    chat(
      gateway.url,
      { messages: [{ role: 'user', content: `My card ${CARD} was charged twice, why?` }], gateway: { retrieval: { filters: { customer: 'jane@example.com' } } } },
      { key },
    );
  const logOf = async (res: Response) => {
    expect(res.status).toBe(200);
    await res.text();
    const id = res.headers.get('x-request-id');
    await waitFor(() => gateway.requestLogs().some((l) => l.request_id === id));
    return gateway.requestLogs().find((l) => l.request_id === id)!;
  };

  beforeEach(() => provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0 }));

  it('by default the retrieval query (the user message) is logged only as its length and a short hash', async () => {
    const log = await logOf(await ask());
    expect(gateway.output()).not.toContain(CARD);
    expect(gateway.output()).not.toContain('jane@example.com');
    expect(log.retrieval_query).toBeUndefined();
    expect(log.retrieval_query_chars).toBe(`My card ${CARD} was charged twice, why?`.length);
    expect(log.retrieval_query_hash).toMatch(/^[0-9a-f]{12}$/);
  });

  it('a tenant that opts in (logContent) gets the query and filters in its log lines', async () => {
    const log = await logOf(await ask(OTHER_TENANT_KEY));
    expect(log.retrieval_query).toContain(CARD);
    expect(log.retrieval_filters).toContain('jane@example.com');
  });
});
