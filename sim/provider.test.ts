import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startProvider } from './provider.ts';
import type { ProviderCall, SimProvider } from './provider.ts';
import type { ChatCompletion, ChatCompletionChunk, ModelList } from './openai.ts';
import type { ErrorBody } from './http.ts';
import { promptTokens, simAnswer } from './text.ts';
import { postJson, readJson, readSse, waitFor } from './testing.ts';

const FAST = { firstTokenMs: 0, interTokenMs: 0 };
const messages = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: [{ type: 'text', text: 'How do refunds work for annual plans here?' }] },
];

let sim: SimProvider;
beforeAll(async () => {
  sim = await startProvider();
});
afterEach(() => sim.reset());
afterAll(() => sim.close());

const chat = (body: object, path = '/v1', init: RequestInit = {}) =>
  postJson(`${sim.url}${path}/chat/completions`, { model: 'sim-small', messages, ...body }, init);

describe('sim provider', () => {
  it('streams OpenAI chunks, usage and [DONE]', async () => {
    sim.setFaults('default', FAST);
    const res = await chat({ stream: true, stream_options: { include_usage: true } }, '/v1', {
      headers: { authorization: 'Bearer sk-test' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const { events, error } = await readSse(res);
    expect(error).toBeUndefined();
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as ChatCompletionChunk);
    for (const c of chunks) {
      expect(c).toMatchObject({ id: 'chatcmpl-sim-1', object: 'chat.completion.chunk', model: 'sim-small' });
      expect(typeof c.created).toBe('number');
    }
    expect(chunks[0]?.choices[0]).toEqual({ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null });
    const expected = simAnswer('sim-small', messages);
    const content = chunks.slice(1, -2).map((c) => c.choices[0]?.delta.content);
    expect(content).toEqual(expected.tokens);
    expect(content.length).toBe(40);
    expect(chunks.at(-2)?.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'stop' });
    expect(chunks.at(-1)?.choices).toEqual([]);
    const prompt = promptTokens(messages);
    expect(prompt).toBe(Math.ceil(('Be brief.'.length + 'How do refunds work for annual plans here?'.length) / 4));
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: prompt, completion_tokens: 40, total_tokens: prompt + 40 });
    expect(expected.text.startsWith('Simulated answer from sim-small about: How do refunds work for annual.')).toBe(true);

    const [call] = sim.calls;
    expect(call).toMatchObject({ seq: 1, scope: 'default', model: 'sim-small', stream: true, status: 200, aborted: false });
    expect(call!.authorization).toBe('Bearer sk-test');
    expect(call!.startedAt).toBeLessThanOrEqual(call!.headersAt!);
    expect(call!.headersAt).toBeLessThanOrEqual(call!.firstTokenAt!);
    expect(call!.firstTokenAt).toBeLessThanOrEqual(call!.endedAt!);
  });

  it('omits the usage chunk unless asked, and always with noUsage', async () => {
    sim.setFaults('default', FAST);
    const plain = await readSse(await chat({ stream: true }));
    expect(plain.events.some((e) => e.includes('"usage"'))).toBe(false);
    sim.setFaults('default', { ...FAST, noUsage: true });
    const none = await readSse(await chat({ stream: true, stream_options: { include_usage: true } }));
    expect(none.events.some((e) => e.includes('prompt_tokens'))).toBe(false);
    const body = await readJson<ChatCompletion>(await chat({}));
    expect(body.usage).toBeUndefined();
  });

  it('answers non-stream requests with a chat.completion', async () => {
    sim.setFaults('default', FAST);
    const body = await readJson<ChatCompletion>(await chat({ model: 'gpt-anything' }));
    const expected = simAnswer('gpt-anything', messages);
    expect(body).toMatchObject({
      id: 'chatcmpl-sim-1',
      object: 'chat.completion',
      model: 'gpt-anything',
      choices: [{ index: 0, message: { role: 'assistant', content: expected.text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: promptTokens(messages), completion_tokens: 40 },
    });
  });

  it('caps the answer at max_tokens / max_completion_tokens', async () => {
    sim.setFaults('default', { ...FAST, tokens: 100 });
    const capped = await readJson<ChatCompletion>(await chat({ max_tokens: 5 }));
    expect(capped.choices[0]!.finish_reason).toBe('length');
    expect(capped.usage?.completion_tokens).toBe(5);
    expect(capped.choices[0]!.message.content).toBe(simAnswer('sim-small', messages, 5, 100).text);
    const events = (await readSse(await chat({ stream: true, max_completion_tokens: 3 }))).events;
    expect(events.filter((e) => e.includes('"content":" ') || e.includes('"content":"S')).length).toBe(3);
    expect(events.at(-2)).toContain('"finish_reason":"length"');
    const roomy = await readJson<ChatCompletion>(await chat({ max_tokens: 500 }));
    expect(roomy.usage?.completion_tokens).toBe(100);
    expect(roomy.choices[0]!.finish_reason).toBe('stop');
  });

  it('keeps realistic model timing by default', async () => {
    const t0 = performance.now();
    await (await chat({ max_tokens: 2 })).json();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
  });

  it('refuses malformed JSON with an OpenAI-style 400', async () => {
    const res = await postJson(`${sim.url}/v1/chat/completions`, '{nope');
    expect(res.status).toBe(400);
    const body = await readJson<ErrorBody>(res);
    expect(body.error).toMatchObject({ type: 'invalid_request_error' });
    expect(typeof body.error.message).toBe('string');
    expect(sim.calls.at(-1)).toMatchObject({ status: 400, body: null, model: null });
  });

  it('lists models', async () => {
    const body = await readJson<ModelList>(await fetch(`${sim.url}/s/east/v1/models`));
    expect(body.object).toBe('list');
    expect(body.data.map((m) => m.id)).toEqual(['sim-small', 'sim-large']);
  });

  it('injects status and Retry-After per scope', async () => {
    sim.setFaults('east', { status: 429, retryAfter: 2 });
    sim.setFaults('west', FAST);
    const east = await chat({}, '/s/east/v1');
    expect(east.status).toBe(429);
    expect(east.headers.get('retry-after')).toBe('2');
    expect((await readJson<ErrorBody>(east)).error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    const west = await chat({}, '/s/west/v1');
    expect(west.status).toBe(200);
    await west.json();
    expect(sim.calls.map((c) => [c.scope, c.status])).toEqual([['east', 429], ['west', 200]]);
  });

  it('echoes the Authorization header in error statuses and mid-stream error events when asked', async () => {
    const auth = { headers: { authorization: 'Bearer canary-123' } };
    sim.setFaults('default', { ...FAST, status: 400, echoAuthorization: true });
    const rejected = await readJson<ErrorBody>(await chat({}, '/v1', auth));
    expect(rejected.error.message).toContain('Incorrect API key provided: canary-123. You sent "Authorization: Bearer canary-123"');
    sim.setFaults('default', { ...FAST, errorEventAfterTokens: 2, echoAuthorization: true });
    const { events } = await readSse(await chat({ stream: true }, '/v1', auth));
    expect(events).toHaveLength(4); // role, two tokens, the error
    expect(JSON.parse(events[3]!).error).toMatchObject({ type: 'server_error', message: expect.stringContaining('canary-123') });
  });

  it('fails only the first k requests with failFirst', async () => {
    sim.setFaults('default', { ...FAST, status: 503, failFirst: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await chat({});
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('holds requests until released', async () => {
    sim.setFaults('default', { ...FAST, hold: true });
    let done = 0;
    const pending = [chat({}), chat({})].map((p) => p.then((r) => (done++, readJson<ChatCompletion>(r))));
    await waitFor(() => sim.heldCount() === 2);
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(0);
    sim.release();
    const bodies = await Promise.all(pending);
    expect(bodies.every((b) => b.object === 'chat.completion')).toBe(true);
  });

  it('cuts the stream after n tokens without [DONE]', async () => {
    sim.setFaults('default', { ...FAST, cutAfterTokens: 3 });
    const { events, error } = await readSse(await chat({ stream: true }));
    expect(events).not.toContain('[DONE]');
    expect(error ?? 'ended').toBeTruthy();
    expect(events.length).toBe(4); // role chunk + 3 tokens
    await waitFor(() => sim.calls[0]?.endedAt !== undefined);
    expect(sim.calls[0]!.aborted).toBe(false);
  });

  it('sends a malformed event and carries on', async () => {
    sim.setFaults('default', { ...FAST, malformedAfterTokens: 2 });
    const { events } = await readSse(await chat({ stream: true }));
    expect(events[3]).toBe('{not json');
    expect(events.at(-1)).toBe('[DONE]');
  });

  it('records a client that goes away mid-stream as aborted', async () => {
    sim.setFaults('default', { ...FAST, stallAfterTokens: 2 });
    const controller = new AbortController();
    const res = await chat({ stream: true }, '/v1', { signal: controller.signal });
    const { events } = await readSse(res, (data) => data.includes('"content":" answer"'));
    expect(events.length).toBe(3);
    controller.abort();
    await waitFor(() => sim.calls[0]!.aborted);
    expect(sim.calls[0]!.endedAt).toBeGreaterThan(sim.calls[0]!.startedAt);
  });

  it('is driven by the HTTP control API', async () => {
    const control = (path: string, body?: unknown) => postJson(`${sim.url}/__sim/${path}`, body ?? null);
    expect((await control('faults/north', { status: 500 })).status).toBe(200);
    expect((await chat({}, '/s/north/v1')).status).toBe(500);
    await control('faults/north', null);
    await control('faults/default', { hold: true, ...FAST });
    const held = chat({});
    await waitFor(() => sim.heldCount('default') === 1);
    expect(await readJson<{ held: number }>(await fetch(`${sim.url}/__sim/held?scope=default`))).toEqual({ held: 1 });
    await control('release?scope=default');
    expect((await held).status).toBe(200);
    const calls = await readJson<ProviderCall[]>(await fetch(`${sim.url}/__sim/calls`));
    expect(calls.map((c) => c.scope)).toEqual(['north', 'default']);
    await control('reset');
    expect(sim.calls).toEqual([]);
    expect((await control('faults/x', [1])).status).toBe(400);
  });

  it('closes promptly even with hanging requests', async () => {
    const other = await startProvider();
    other.setFaults('default', { hang: true });
    const hanging = postJson(`${other.url}/v1/chat/completions`, { model: 'sim-small', messages }).catch((e: unknown) => e);
    await waitFor(() => other.calls.length === 1);
    const t0 = performance.now();
    await other.close();
    expect(performance.now() - t0).toBeLessThan(500);
    expect(await hanging).toBeInstanceOf(Error);
    expect(other.calls[0]).toMatchObject({ aborted: true, status: 0 });
  });
});

describe('a weak small model', () => {
  it('fails the documented share of hard prompts, the same ones every time; the large model never does', async () => {
    const { smallFails, SMALL_FAILS_HARD_SHARE, FAILED_ANSWER_MARK } = await import('./text.ts');
    const prompts = Array.from({ length: 2000 }, (_, i) => [{ role: 'user', content: `Prove statement number ${i} step by step.` }]);
    const failed = prompts.filter((m) => smallFails('sim-small', m, { difficulty: 'hard' })).length / prompts.length;
    expect(Math.abs(failed - SMALL_FAILS_HARD_SHARE)).toBeLessThan(0.05);
    expect(prompts.some((m) => smallFails('sim-large', m, { difficulty: 'hard' }) || smallFails('sim-small', m, {}))).toBe(false);
    sim.setFaults('default', FAST);
    const failing = prompts.find((m) => smallFails('sim-small', m, { difficulty: 'hard' }))!;
    const res = await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'sim-small', messages: failing, metadata: { difficulty: 'hard' } }) });
    expect(((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toContain(FAILED_ANSWER_MARK);
  });
});
