// How the gateway reads a provider's stream: chunk by chunk for a client that reads along (SSE),
// in batches once the first token is in for one that waits for a JSON body — fewer reads for the
// runtime, the same answer, and the deadlines still holding.
import { describe, expect, it } from 'vitest';
import { TEST_BINDINGS, testConfig } from './harness/config.ts';
import { chat } from './harness/requests.ts';
import { gatewaySuite } from './harness/suite.ts';

const BUDGETS = { firstTokenMs: 1000, idleMs: 400, totalMs: 8000 };
const s = gatewaySuite((url) => testConfig({ providerUrl: url, budgets: BUDGETS }));

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
  it('a JSON client: the 40 chunks are read in a few batches, and the answer is the streamed one', async () => {
    s.provider.setFaults('east', { firstTokenMs: 20, interTokenMs: 3, tokens: 40 });
    const json = await chat(s.gateway.url, { temperature: 0.5 });
    expect(json.status).toBe(200);
    const body = await json.json();
    const jsonLog = await logOf(json.headers.get('x-request-id'));

    const streamed = await chat(s.gateway.url, { temperature: 0.5, stream: true });
    expect(streamed.status).toBe(200);
    const text = await sseText(streamed);
    const streamLog = await logOf(streamed.headers.get('x-request-id'));

    expect(body.choices[0].message.content).toBe(text);
    expect(text.length).toBeGreaterThan(0);
    // 40 tokens, 3 ms apart, one chunk each: the live client's reads follow the chunks…
    expect(streamLog.upstream_reads as number).toBeGreaterThanOrEqual(20);
    // …the JSON client's are batched once the first token is in.
    expect(jsonLog.upstream_reads as number).toBeLessThan(streamLog.upstream_reads as number);
    expect(jsonLog.upstream_reads as number).toBeLessThanOrEqual(12);
  });

  it('a JSON client on a slow, steady stream (each token well inside idleMs) gets its answer: batching never trips the idle deadline', async () => {
    // 12 tokens 90 ms apart: ~1.1 s in all, more than twice idleMs (400 ms), never 400 ms silent.
    s.provider.setFaults('east', { firstTokenMs: 50, interTokenMs: 90, tokens: 12 });
    const res = await chat(s.gateway.url, {});
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(s.provider.calls).toHaveLength(1);
  });

  it('a JSON client whose stream stalls after a burst: 504 by the idle deadline, not the total one', async () => {
    await s.gateway.setConfig(testConfig({ providerUrl: s.provider.url, budgets: BUDGETS }), TEST_BINDINGS);
    // A fast burst (large batches asked for), then silence.
    s.provider.setFaults('east', { firstTokenMs: 10, interTokenMs: 1, tokens: 60, stallAfterTokens: 30 });
    const res = await chat(s.gateway.url, {});
    expect(res.status).toBe(504);
    // upstream_timeout is the idle deadline; the total one would be deadline_exceeded.
    expect((await res.json()).error.code).toBe('upstream_timeout');
  });
});
