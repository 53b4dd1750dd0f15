// The official `openai` SDK, unchanged but for baseURL, against the gateway running in workerd.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../sim/provider.ts';
import { simAnswer } from '../sim/text.ts';
import { PROVIDER_KEY, TENANT_KEY, TEST_BINDINGS, testConfig } from './harness/config.ts';
import { startGateway, type Gateway } from './harness/gateway.ts';

let provider: SimProvider;
let gateway: Gateway;
let client: OpenAI;
const messages = [{ role: 'user' as const, content: 'Explain circuit breakers in one paragraph' }];

beforeAll(async () => {
  provider = await startProvider();
  gateway = await startGateway(testConfig({ providerUrl: provider.url }), TEST_BINDINGS);
  client = new OpenAI({ apiKey: TENANT_KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.close();
  await provider?.close();
});
beforeEach(() => {
  provider.reset();
  for (const scope of ['east', 'west']) provider.setFaults(scope, { firstTokenMs: 5, interTokenMs: 1 });
});

describe('openai SDK through the gateway', () => {
  it('non-stream: returns the upstream answer with usage, model id and gateway headers', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'sim-small', messages }).withResponse();
    const expected = simAnswer('sim-small', messages);
    expect(data.choices[0]!.message.content).toBe(expected.text);
    expect(data.choices[0]!.finish_reason).toBe('stop');
    expect(data.model).toBe('sim-small');
    expect(data.usage).toMatchObject({ completion_tokens: expected.tokens.length });
    expect(response.headers.get('x-gateway-endpoint')).toBe('east');
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{24}$/);
    // usage × price: prompt 11 tokens (42 chars / 4) at 0.15/M, 40 at 0.6/M
    const usage = data.usage!;
    expect(Number(response.headers.get('x-gateway-cost-usd'))).toBeCloseTo((usage.prompt_tokens * 0.15 + usage.completion_tokens * 0.6) / 1e6, 12);
    // The provider got the configured key, the catalog's model, and no gateway extension.
    const call = provider.calls[0]!;
    expect(call.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    expect(call.body).toMatchObject({ model: 'sim-small', stream: true });
  });

  it('stream: the streamed text equals what the upstream sent, then usage and the end', async () => {
    const stream = await client.chat.completions.create({
      model: 'sim-large',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let roles = 0;
    let usage: OpenAI.CompletionUsage | undefined | null;
    let finish: string | null = null;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.role) roles++;
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    const expected = simAnswer('sim-large', messages);
    expect(text).toBe(expected.text);
    expect(roles).toBe(1);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ completion_tokens: expected.tokens.length });
  });

  it('stream without include_usage sends no usage chunk', async () => {
    const stream = await client.chat.completions.create({ model: 'sim-small', messages, stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(simAnswer('sim-small', messages).text);
  });

  it('max_tokens is forwarded and the length finish reported', async () => {
    const res = await client.chat.completions.create({ model: 'small', messages, max_tokens: 5 });
    expect(res.choices[0]!.message.content).toBe(simAnswer('sim-small', messages, 5).text);
    expect(res.choices[0]!.finish_reason).toBe('length');
  });

  it('the gateway extension is accepted and stripped before the provider call', async () => {
    await client.chat.completions.create({
      model: 'sim-small',
      messages,
      // @ts-expect-error: the gateway extension is not part of OpenAI's types
      gateway: { priority: 'interactive', cache: 'bypass' },
    });
    expect(provider.calls[0]!.body).not.toHaveProperty('gateway');
  });

  it('lists the models with tiers', async () => {
    const list = await client.models.list();
    const ids = list.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['sim-small', 'sim-large', 'auto', 'small', 'large']));
  });
});
