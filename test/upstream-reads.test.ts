// How the gateway reads a provider's stream: chunk by chunk for a client that reads along (SSE),
// in batches once the first token is in for one that waits for a JSON body — fewer reads for the
// runtime, the same answer, and the deadlines still holding (src/stream/chunk-reader.ts).
import { describe, expect, it } from 'vitest';
import { TEST_BINDINGS, testConfig } from './harness/config.ts';
import { chat } from './harness/requests.ts';
import { gatewaySuite } from './harness/suite.ts';
import { TRUSTED_AFTER } from '../src/providers/stream-ends.ts';

// The config's default idleMs (10 s): batches of up to ~1 KB (`batchBytes`).
const LONG_IDLE = { firstTokenMs: 1000, idleMs: 10_000, totalMs: 15_000 };
// A tighter one: batches of at most ~200 bytes, about one chunk.
const IDLE_2S = { firstTokenMs: 1000, idleMs: 2000, totalMs: 15_000 };
const s = gatewaySuite((url) => testConfig({ providerUrl: url, budgets: LONG_IDLE }));
const withBudgets = (budgets: Record<string, number>) => s.gateway.setConfig(testConfig({ providerUrl: s.provider.url, budgets }), TEST_BINDINGS);
/**
 * A fresh config starts with no endpoint trusted to end its responses after [DONE]: batching is
 * earned by TRUSTED_AFTER JSON answers whose response ended at once (src/providers/stream-ends.ts).
 */
async function earnBatching() {
  s.provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0, tokens: 5 });
  for (let i = 0; i < TRUSTED_AFTER; i++) expect((await chat(s.gateway.url, {})).status).toBe(200);
}

const logOf = async (requestId: string | null) => {
  await expect.poll(() => s.gateway.requestLogs().some((l) => l.request_id === requestId)).toBe(true);
  return s.gateway.requestLogs().find((l) => l.request_id === requestId)!;
};

async function sseText(res: Response): Promise<string> {
  let text = '';
  for (const line of (await res.text()).split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    const chunk = JSON.parse(line.slice(6));
    for (const c of chunk.choices ?? []) text += c.delta?.content ?? '';
  }
  return text;
}

describe('reading the provider stream', () => {
  it('a JSON client: 40 chunks read in batches after the first token, fewer reads than a live stream of the same answer', async () => {
    await withBudgets(LONG_IDLE);
    await earnBatching();
    s.provider.setFaults('east', { firstTokenMs: 20, interTokenMs: 8, tokens: 40 });
    const json = await chat(s.gateway.url, { temperature: 0.5 });
    expect(json.status).toBe(200);
    const body = await json.json();
    const jsonLog = await logOf(json.headers.get('x-request-id'));

    const streamed = await chat(s.gateway.url, { temperature: 0.5, stream: true });
    expect(streamed.status).toBe(200);
    const text = await sseText(streamed);
    const streamLog = await logOf(streamed.headers.get('x-request-id'));

    expect(text.length).toBeGreaterThan(0);
    expect(body.choices[0].message.content).toBe(text);
    // 43 events (role, 40 tokens, finish, usage) + [DONE]: the live stream reads them as they come…
    expect(jsonLog.upstream_reads as number).toBeLessThan(streamLog.upstream_reads as number);
    // …the JSON client's first reads one by one, then ~1 KB at a time, then the tail one by one.
    expect(jsonLog.upstream_reads as number).toBeLessThanOrEqual(25);
  });

  it('a burst, then a trickle slower than idleMs in all (10 tokens 300 ms apart, idleMs 2 s): the JSON answer completes, no false idle timeout', async () => {
    await withBudgets(IDLE_2S);
    await earnBatching();
    s.provider.setFaults('east', { firstTokenMs: 10, interTokenMs: 1, tokens: 40, slowAfterTokens: 30, slowInterTokenMs: 300 });
    const callsBefore = s.provider.calls.length;
    const res = await chat(s.gateway.url, {});
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(s.provider.calls.length - callsBefore).toBe(1);
  });

  it('a provider that keeps the response open after [DONE]: each JSON answer is complete at once, not at the idle deadline', async () => {
    await withBudgets(LONG_IDLE);
    // Answers of different lengths put [DONE] at different points of a batch: a batch that began
    // before the finish waited for bytes that never came (30 tokens: 504 after ~12 s). Such an
    // endpoint is never trusted with batches; its answers are read chunk by chunk.
    for (let tokens = 28; tokens <= 35; tokens++) {
      s.provider.setFaults('east', { firstTokenMs: 10, interTokenMs: 8, tokens, holdAfterDone: true });
      const started = Date.now();
      const res = await chat(s.gateway.url, {});
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.choices[0].finish_reason).toBe('stop');
      expect(body.usage.completion_tokens).toBe(tokens);
      // The sim takes ~0.3 s for the tokens; the idle deadline is 10 s.
      expect(Date.now() - started).toBeLessThan(3000);
    }
  });

  it('a provider that once ended its responses and then holds one open: that answer is held to the idle deadline, and batching stops', async () => {
    await withBudgets(IDLE_2S);
    await earnBatching();
    s.provider.setFaults('east', { firstTokenMs: 10, interTokenMs: 8, tokens: 30, holdAfterDone: true });
    const caught = await chat(s.gateway.url, {});
    // The one answer a batch can lose: 504 (upstream_timeout) once idleMs passes, or a failover's answer.
    expect([200, 504]).toContain(caught.status);
    await caught.text();
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const res = await chat(s.gateway.url, {});
      expect(res.status).toBe(200);
      expect((await res.json()).usage.completion_tokens).toBe(30);
      expect(Date.now() - started).toBeLessThan(1500);
    }
  });

  it('the same when the total deadline ends the held batch first (idleMs above totalMs): one answer lost at most', async () => {
    await withBudgets({ firstTokenMs: 1000, idleMs: 10_000, totalMs: 2000 });
    await earnBatching();
    const statuses: number[] = [];
    for (let tokens = 28; tokens <= 33; tokens++) {
      s.provider.setFaults('east', { firstTokenMs: 10, interTokenMs: 8, tokens, holdAfterDone: true });
      const res = await chat(s.gateway.url, {});
      statuses.push(res.status);
      await res.text();
    }
    expect(statuses.filter((st) => st !== 200).length).toBeLessThanOrEqual(1);
  });

  it('a long JSON answer (2,000 chunks at once) arrives whole in batches', async () => {
    await withBudgets(LONG_IDLE);
    await earnBatching();
    s.provider.setFaults('east', { firstTokenMs: 5, interTokenMs: 0, tokens: 2000 });
    const json = await chat(s.gateway.url, { temperature: 0.5, max_tokens: 4000 });
    expect(json.status).toBe(200);
    const body = await json.json();
    const streamed = await chat(s.gateway.url, { temperature: 0.5, max_tokens: 4000, stream: true });
    expect(body.usage.completion_tokens).toBe(2000);
    expect(body.choices[0].message.content).toBe(await sseText(streamed));
  });

  it('a burst, then silence: 504 by the idle deadline (upstream_timeout), not the total one', async () => {
    await withBudgets(IDLE_2S);
    s.provider.setFaults('east', { firstTokenMs: 10, interTokenMs: 1, tokens: 60, stallAfterTokens: 30 });
    const res = await chat(s.gateway.url, {});
    expect(res.status).toBe(504);
    // upstream_timeout is the idle deadline; the total one would be deadline_exceeded.
    expect((await res.json()).error.code).toBe('upstream_timeout');
  });
});
