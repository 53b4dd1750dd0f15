// Limits a client can ask for are held to the catalog before anything is flushed (design §2), so
// the common 400s keep their real status on streams too: the openai SDK raises BadRequestError at
// create(), not a generic error mid-iteration.
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { TENANT_KEY, TEST_BINDINGS, testConfig } from '../harness/config.ts';
import { expectError } from '../harness/expect.ts';
import { chat } from '../harness/requests.ts';
import { gatewaySuite } from '../harness/suite.ts';

function config(providerUrl: string, extra: Record<string, unknown> = {}) {
  const cfg = testConfig({ providerUrl });
  cfg.models[0].contextWindow = 4000;
  cfg.models[0].maxOutputTokens = 1000;
  return { ...cfg, ...extra };
}

const s = gatewaySuite(config, { each: ({ provider }) => provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0, tokens: 3 }) });
const sdk = () => new OpenAI({ apiKey: TENANT_KEY, baseURL: `${s.gateway.url}/v1`, maxRetries: 0 });

const long = [{ role: 'user' as const, content: 'word '.repeat(4000) }]; // ≈ 5,000 tokens > 4,000

describe('context window and output tokens against the catalog, before the stream opens', () => {
  it('a prompt over the model\'s context window: 400 context_length_exceeded, stream or not, never sent upstream', async () => {
    await expectError(await chat(s.gateway.url, { messages: long }), 400, 'context_length_exceeded');
    await expectError(await chat(s.gateway.url, { messages: long, stream: true }), 400, 'context_length_exceeded');
    const err = await sdk().chat.completions.create({ model: 'sim-small', messages: long, stream: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('context_length_exceeded');
    expect(s.provider.calls).toHaveLength(0);
  });

  it('max_tokens 1e15 for a named model: 400 at create() on a stream, never sent upstream', async () => {
    const err = await sdk().chat.completions.create({ model: 'sim-small', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1e15, stream: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.APIError>).param).toBe('max_tokens');
    expect(s.provider.calls).toHaveLength(0);
  });

  it('max_tokens 1e15 with a model the gateway picks (small): clamped to the model\'s output limit', async () => {
    const res = await chat(s.gateway.url, { model: 'small', max_tokens: 1e15 });
    expect(res.status).toBe(200);
    expect((s.provider.calls[0]!.body as { max_tokens: number }).max_tokens).toBe(1000);
  });
});

describe('n: the cap is a config value, OpenAI\'s 128 by default', () => {
  it('n = 9 is accepted (it was capped at 8), every choice answered', async () => {
    const res = await chat(s.gateway.url, { n: 9 });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { choices: unknown[] }).choices).toHaveLength(9);
  });

  it('n = 129 is refused with 400 naming n', async () => {
    const err = await expectError(await chat(s.gateway.url, { n: 129 }), 400, 'invalid_request');
    expect(err.param).toBe('n');
  });

  it('maxChoices: 4 in config refuses n = 5', async () => {
    await s.gateway.setConfig(config(s.provider.url, { maxChoices: 4 }), TEST_BINDINGS);
    try {
      const err = await expectError(await chat(s.gateway.url, { n: 5 }), 400, 'invalid_request');
      expect(err.param).toBe('n');
      expect((await chat(s.gateway.url, { n: 4 })).status).toBe(200);
    } finally {
      await s.gateway.setConfig(config(s.provider.url), TEST_BINDINGS);
    }
  });
});
