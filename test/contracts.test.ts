// Output contracts through the gateway (design §2): checked, repaired locally, re-asked at most
// once while nothing reached the client, else 422 schema_violation (a final error event on a stream).
import { describe, expect, it } from 'vitest';
import type { ProviderScript } from '../sim/script.ts';
import { testConfig } from './harness/config.ts';
import { expectError } from './harness/expect.ts';
import { chat } from './harness/requests.ts';
import { FrameReader, jsonEvents } from './harness/sse.ts';
import { gatewaySuite } from './harness/suite.ts';

const s = gatewaySuite((url) => testConfig({ providerUrl: url }), { freshIsolate: true });

const SCHEMA = { type: 'object', properties: { city: { type: 'string' }, temp_c: { type: 'number' } }, required: ['city', 'temp_c'], additionalProperties: false };
const FORMAT = { response_format: { type: 'json_schema', json_schema: { name: 'weather', strict: true, schema: SCHEMA } } };

/** A provider answer whose content is `text`, in a few chunks, then its finish reason and usage. */
function says(text: string, finish = 'stop'): ProviderScript {
  const parts = text.match(/.{1,8}/gs) ?? [];
  return {
    events: [
      { choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
      ...parts.map((p) => ({ choices: [{ index: 0, delta: { content: p }, finish_reason: null }] })),
      { choices: [{ index: 0, delta: {}, finish_reason: finish }] },
      { choices: [], usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 } },
      '[DONE]',
    ],
  };
}
const content = (events: Array<Record<string, any>>) => events.flatMap((e) => e.choices ?? []).map((c) => c.delta?.content ?? '').join('');
const stream = async (body: Record<string, unknown>) => jsonEvents(await new FrameReader(await chat(s.gateway.url, { ...body, stream: true })).rest());

describe('JSON answers', () => {
  it('valid as written: passed on untouched, outcome valid, one call', async () => {
    s.provider.script('east', says('{"city":"Oslo","temp_c":3}'));
    const body = (await (await chat(s.gateway.url, FORMAT)).json()) as any;
    expect(body.choices[0].message.content).toBe('{"city":"Oslo","temp_c":3}');
    expect(body.gateway.contract).toEqual({ outcome: 'valid', repairs: [] });
    expect(s.provider.calls).toHaveLength(1);
  });

  it('repaired locally (fence, camelCase key): the repaired JSON, no extra call', async () => {
    s.provider.script('east', says('```json\n{"city":"Oslo","tempC":3,}\n```'));
    const body = (await (await chat(s.gateway.url, FORMAT)).json()) as any;
    expect(JSON.parse(body.choices[0].message.content)).toEqual({ city: 'Oslo', temp_c: 3 });
    expect(body.gateway.contract.outcome).toBe('repaired');
    expect(body.gateway.contract.repairs).toEqual(expect.arrayContaining(['code_fence', 'trailing_comma', 'key_case']));
    expect(s.provider.calls).toHaveLength(1);
  });

  it('invalid, then valid after one re-ask carrying the errors: exactly one extra call, both paid for', async () => {
    s.provider.script('east', [says('{"city":"Oslo","temp_c":"cold"}'), says('{"city":"Oslo","temp_c":3}')]);
    const res = await chat(s.gateway.url, FORMAT);
    const body = (await res.json()) as any;
    expect(body.gateway.contract.outcome).toBe('reasked');
    expect(JSON.parse(body.choices[0].message.content)).toEqual({ city: 'Oslo', temp_c: 3 });
    expect(s.provider.calls).toHaveLength(2);
    const reask = (s.provider.calls[1]!.body as { messages: Array<{ role: string; content: string }> }).messages;
    expect(reask.at(-2)).toMatchObject({ role: 'assistant', content: '{"city":"Oslo","temp_c":"cold"}' });
    expect(reask.at(-1)!.content).toContain('/temp_c');
    // Both calls are paid for: 2 × (20 × $0.15 + 10 × $0.60) / 1M.
    expect(Number(res.headers.get('x-gateway-cost-usd'))).toBeCloseTo(2 * (20 * 0.15 + 10 * 0.6) / 1e6, 12);
  });

  it('still invalid after the re-ask: 422 schema_violation with the errors, exactly one extra call', async () => {
    s.provider.script('east', says('{"city":"Oslo"}'));
    const err = await expectError(await chat(s.gateway.url, FORMAT), 422, 'schema_violation');
    expect(err.errors).toEqual([expect.objectContaining({ path: 'content', message: expect.stringContaining('temp_c') })]);
    expect(s.provider.calls).toHaveLength(2);
  });

  it('an answer cut by max_tokens is never closed into valid JSON', async () => {
    s.provider.script('east', says('{"city":"Oslo","temp_c":3', 'length'));
    await expectError(await chat(s.gateway.url, FORMAT), 422, 'schema_violation');
  });

  it('tool-call arguments: camelCase mapped onto the snake_case parameters', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city_name: { type: 'string' } }, required: ['city_name'] } } }];
    s.provider.script('east', {
      events: [
        { choices: [{ index: 0, delta: { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"cityName":"Oslo"}' } }] }, finish_reason: null }] },
        { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
        '[DONE]',
      ],
    });
    const body = (await (await chat(s.gateway.url, { tools })).json()) as any;
    expect(JSON.parse(body.choices[0].message.tool_calls[0].function.arguments)).toEqual({ city_name: 'Oslo' });
    expect(body.gateway.contract.outcome).toBe('repaired');
  });
});

describe('streams', () => {
  it('tokens flow as they come; the outcome is a final metadata chunk (a repair comes with the repaired JSON)', async () => {
    s.provider.script('east', says('Sure: {"city":"Oslo","temp_c":3}'));
    const events = await stream(FORMAT);
    expect(content(events)).toBe('Sure: {"city":"Oslo","temp_c":3}');
    const meta = events.find((e) => e.gateway?.contract)!;
    expect(meta.gateway.contract).toMatchObject({ outcome: 'repaired', content: '{"city":"Oslo","temp_c":3}' });
  });

  it('invalid on a stream: no re-ask (text already went out), a final 422 error event', async () => {
    s.provider.script('east', says('{"city":"Oslo"}'));
    const events = await stream(FORMAT);
    expect(events.at(-1)).toEqual({ error: expect.objectContaining({ code: 'schema_violation', status: 422 }) });
    expect(s.provider.calls).toHaveLength(1);
  });

  it('gateway.contract "buffer": only the validated JSON is streamed, after one re-ask', async () => {
    s.provider.script('east', [says('{"city":"Oslo","temp_c":"cold"}'), says('{"city":"Oslo","temp_c":3}')]);
    const events = await stream({ ...FORMAT, gateway: { contract: 'buffer' } });
    expect(content(events)).toBe('{"city":"Oslo","temp_c":3}');
    expect(events.find((e) => e.gateway?.contract)!.gateway.contract.outcome).toBe('reasked');
    expect(s.provider.calls).toHaveLength(2);
  });
});
