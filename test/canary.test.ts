// Canaries (issue #15): sticky assignment by tenant + conversation, the variant on the header, the
// log line and /admin/stats side by side; a candidate that is slower, fails more or costs more per
// successful task is rolled back by the stats object on its own within its window (every request
// then gets `from`, the webhook is called once); a healthy one is not; operators promote and roll back.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../sim/provider.ts';
import { readSse } from '../sim/testing.ts';
import { ADMIN_TOKEN, TENANT_KEY, TEST_BINDINGS, testConfig } from './harness/config.ts';
import { startGateway, type Gateway } from './harness/gateway.ts';
import { chat } from './harness/requests.ts';

let hook: Server;
const calls: Array<{ body: any }> = [];
let hookUrl = '';

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls.push({ body: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
});
afterAll(() => new Promise((r) => hook.close(r)));

/** A provider (east: sim-small, west: sim-large) and a gateway running `canaries`, shipping stats every 100 ms. */
function canarySuite(canaries: unknown[], faults: { east?: object; west?: object } = {}) {
  const s = {} as { provider: SimProvider; gateway: Gateway };
  beforeAll(async () => {
    s.provider = await startProvider();
    s.provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0, ...faults.east });
    s.provider.setFaults('west', { firstTokenMs: 1, interTokenMs: 0, ...faults.west });
    const config = testConfig({ providerUrl: s.provider.url });
    config.canaries = canaries;
    config.stats = { flushMs: 100, canaryRefreshMs: 200 };
    config.slo = { alarmWebhook: hookUrl };
    s.gateway = await startGateway(config, TEST_BINDINGS);
  });
  afterAll(async () => {
    await s.gateway?.close();
    await s.provider?.close();
  });
  return s;
}

const admin = (url: string, path: string, init: RequestInit = {}) =>
  fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...init.headers } });
const stats = async (url: string) => (await (await admin(url, '/admin/stats?window=1m')).json()) as any;
/** Marks a request's task successful (POST /v1/feedback); its status. */
const succeeded = async (url: string, id: string) =>
  (await fetch(`${url}/v1/feedback`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TENANT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ request_id: id, success: true }),
  })).status;
const canaryCalls = (id: string) => calls.filter((c) => c.body.canary === id);

/** One request as `user`: its variant header, model and (for prompt canaries) prompt version. */
async function ask(url: string, user: string | undefined, extra: Record<string, unknown> = {}) {
  const res = await chat(url, { messages: [{ role: 'user', content: `hello from ${user} ${Math.random()}` }], ...(user ? { user } : {}), ...extra });
  const json = (await res.json()) as any;
  return {
    status: res.status,
    id: res.headers.get('x-request-id')!,
    variant: res.headers.get('x-gateway-variant'),
    model: res.headers.get('x-gateway-model'),
    prompt: json.gateway?.prompt?.version as string | undefined,
  };
}

async function inBatches<T>(n: number, size: number, run: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => run(i + j)))));
  return out;
}

/** Waves of requests from new users until the canary is rolled back (or `ms` pass); returns when it was seen. */
async function untilRolledBack(url: string, id: string, ms: number, wave: (round: number) => Promise<unknown>): Promise<number> {
  const start = Date.now();
  for (let round = 0; Date.now() - start < ms; round++) {
    await wave(round);
    if ((await ask(url, `probe-${round}`)).variant === `${id}:rolled_back`) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${id} was not rolled back within ${ms} ms`);
}

const RAG = { gateway: { prompt: { id: 'rag-answer', variables: { product: 'Acme DB' } } } };

describe('a healthy prompt canary', () => {
  const s = canarySuite([
    {
      id: 'rag-v3', kind: 'prompt', from: 'rag-answer@2', to: 'rag-answer@3', percent: 30, windowSeconds: 20, minRequests: 5,
      alarms: { p95Ms: 5000, errorRate: 0.2, refusalRate: 0.2, costPerSuccessUsd: 0.01 },
    },
  ]);

  it('is sticky per conversation, splits near its percent, and shows both sides in the trace and the stats', async () => {
    const users = Array.from({ length: 150 }, (_, i) => `user-${i}`);
    const first = await inBatches(users.length, 15, (i) => ask(s.gateway.url, users[i], RAG));
    const again = await inBatches(users.length, 15, (i) => ask(s.gateway.url, users[i], RAG));
    expect([...first, ...again].every((r) => r.status === 200)).toBe(true);
    // Sticky: each conversation got the same side both times, and that side's prompt.
    expect(again.map((r) => r.variant)).toEqual(first.map((r) => r.variant));
    for (const r of first) expect(r.prompt).toBe(r.variant === 'rag-v3:candidate' ? '3' : '2');
    const share = first.filter((r) => r.variant === 'rag-v3:candidate').length / users.length;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.42);
    // Without `user`, the task is the conversation; a request naming no rag-answer prompt is no canary's.
    const byTask = await Promise.all(Array.from({ length: 4 }, () => ask(s.gateway.url, undefined, { ...RAG, gateway: { ...RAG.gateway, task_id: 'T-42' } })));
    expect(new Set(byTask.map((r) => r.variant)).size).toBe(1);
    expect((await ask(s.gateway.url, 'user-0')).variant).toBeNull();
    expect((await ask(s.gateway.url, 'user-0', { gateway: { prompt: { id: 'rag-answer', version: '1' } } })).variant).toBeNull();
    // A stream carries the header too.
    const stream = await chat(s.gateway.url, { ...RAG, user: 'user-0', stream: true });
    expect(stream.headers.get('x-gateway-variant')).toBe(first[0]!.variant);
    await readSse(stream);

    // Feedback on a few tasks of each side: cost per success per side (and far under the alarm's).
    const candidates = first.filter((r) => r.variant === 'rag-v3:candidate').slice(0, 3);
    const controls = first.filter((r) => r.variant === 'rag-v3:control').slice(0, 3);
    for (const r of [...candidates, ...controls]) {
      expect(await succeeded(s.gateway.url, r.id)).toBe(204);
    }

    const want = (v: string) => [...first, ...again].filter((r) => r.variant === v).length + byTask.filter((r) => r.variant === v).length;
    await expect.poll(async () => (await stats(s.gateway.url)).canaries['rag-v3']?.candidate.tasks_succeeded, { timeout: 10_000 }).toBe(3);
    // Every request shipped (a shipment may trail the feedback's answer by one flush).
    const total = want('rag-v3:candidate') + want('rag-v3:control') + 1; // + the stream
    await expect.poll(async () => { const v = (await stats(s.gateway.url)).canaries['rag-v3']; return v.control.requests + v.candidate.requests; }, { timeout: 10_000 }).toBe(total);
    const view = (await stats(s.gateway.url)).canaries['rag-v3'];
    expect(view).toMatchObject({ kind: 'prompt', from: 'rag-answer@2', to: 'rag-answer@3', percent: 30, state: 'active', reason: null });
    expect(view.candidate.requests).toBeGreaterThanOrEqual(want('rag-v3:candidate'));
    expect(view.control.requests).toBeGreaterThanOrEqual(want('rag-v3:control'));
    expect(view.control.requests + view.candidate.requests).toBe(want('rag-v3:candidate') + want('rag-v3:control') + 1); // + the stream
    expect(view.control).toMatchObject({ errors: 0, tasks_succeeded: 3, p95_ms: expect.any(Number), cost_per_success_usd: expect.any(Number) });
    expect(view.alarms.p95Ms).toMatchObject({ threshold: 5000, breached: false });
    expect(view.alarms.costPerSuccessUsd).toMatchObject({ threshold: 0.01, breached: false });
    // The log line carries the variant.
    const log = s.gateway.requestLogs().find((l) => l.request_id === first[0]!.id);
    expect(log?.variant).toBe(first[0]!.variant);
    // Healthy: never rolled back, never alarmed.
    expect(canaryCalls('rag-v3')).toEqual([]);
    expect(s.gateway.output()).not.toContain('canary_rolled_back');
  });

  it('POST /admin/canaries/{id}/promote|rollback decides it for everyone', async () => {
    const users = Array.from({ length: 20 }, (_, i) => `p-${i}`);
    const promote = await admin(s.gateway.url, '/admin/canaries/rag-v3/promote', { method: 'POST' });
    expect(promote.status).toBe(200);
    expect(await promote.json()).toMatchObject({ id: 'rag-v3', state: 'promoted', reason: 'operator', decided_at: expect.any(String) });
    for (const r of await Promise.all(users.map((u) => ask(s.gateway.url, u, RAG)))) expect(r).toMatchObject({ variant: 'rag-v3:promoted', prompt: '3' });
    const rollback = await admin(s.gateway.url, '/admin/canaries/rag-v3/rollback', { method: 'POST' });
    expect(await rollback.json()).toMatchObject({ state: 'rolled_back' });
    for (const r of await Promise.all(users.map((u) => ask(s.gateway.url, u, RAG)))) expect(r).toMatchObject({ variant: 'rag-v3:rolled_back', prompt: '2' });
    expect((await stats(s.gateway.url)).canaries['rag-v3']).toMatchObject({ state: 'rolled_back', reason: 'operator' });

    expect((await admin(s.gateway.url, '/admin/canaries/nope/promote', { method: 'POST' })).status).toBe(404);
    expect((await admin(s.gateway.url, '/admin/canaries/rag-v3/pause', { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${s.gateway.url}/admin/canaries/rag-v3/promote`, { method: 'POST' })).status).toBe(401);
    expect(canaryCalls('rag-v3')).toEqual([]); // an operator's decision is not an alarm
  });
});

describe('a slower candidate', () => {
  // sim-large's first token comes 400 ms late: its p95 is far over the alarm's 300 ms.
  const s = canarySuite(
    [{ id: 'big', kind: 'model', from: 'sim-small', to: 'sim-large', percent: 50, windowSeconds: 20, minRequests: 5, alarms: { p95Ms: 300 } }],
    { west: { firstTokenMs: 400 } },
  );

  it('is rolled back automatically within its window; then every request gets `from`; the webhook is called once', async () => {
    let user = 0;
    const before: Array<Awaited<ReturnType<typeof ask>>> = [];
    const took = await untilRolledBack(s.gateway.url, 'big', 20_000, async () => before.push(...(await inBatches(12, 12, () => ask(s.gateway.url, `slow-${user++}`)))));
    expect(took).toBeLessThan(20_000);
    // Until then, the candidate side was served the candidate model.
    expect(before.some((r) => r.variant === 'big:candidate' && r.model === 'sim-large')).toBe(true);
    expect(before.some((r) => r.variant === 'big:control' && r.model === 'sim-small')).toBe(true);
    for (const r of await inBatches(30, 15, () => ask(s.gateway.url, `after-${user++}`))) {
      expect(r).toMatchObject({ status: 200, variant: 'big:rolled_back', model: 'sim-small' });
    }
    await expect.poll(() => canaryCalls('big').length, { timeout: 5000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 500)); // room for a second (wrong) call
    expect(canaryCalls('big')).toHaveLength(1);
    expect(canaryCalls('big')[0]!.body).toMatchObject({ alarm: 'canary_rolled_back', canary: 'big', breached: ['p95Ms'], from: 'sim-small', to: 'sim-large', at: expect.any(String) });
    expect(canaryCalls('big')[0]!.body.candidate.p95_ms).toBeGreaterThan(300);
    expect(s.gateway.output()).toContain('"msg":"canary_rolled_back","canary":"big"');
    const view = (await stats(s.gateway.url)).canaries.big;
    expect(view).toMatchObject({ state: 'rolled_back', reason: 'alarm: p95Ms', alarms: { p95Ms: { breached: true } } });
    expect(view.candidate.p95_ms).toBeGreaterThan(view.control.p95_ms);
  });
});

describe('a failing candidate', () => {
  const s = canarySuite(
    [{ id: 'flaky', kind: 'model', from: 'sim-small', to: 'sim-large', percent: 50, windowSeconds: 20, minRequests: 5, alarms: { errorRate: 0.1 } }],
    { west: { status: 500 } },
  );

  it('is rolled back automatically on its error rate', async () => {
    let user = 0;
    await untilRolledBack(s.gateway.url, 'flaky', 20_000, () => inBatches(12, 12, () => ask(s.gateway.url, `f-${user++}`)));
    for (const r of await inBatches(20, 10, () => ask(s.gateway.url, `f-${user++}`))) expect(r).toMatchObject({ status: 200, variant: 'flaky:rolled_back', model: 'sim-small' });
    await expect.poll(() => canaryCalls('flaky').map((c) => c.body.breached), { timeout: 5000 }).toEqual([['errorRate']]);
    const view = (await stats(s.gateway.url)).canaries.flaky;
    expect(view.candidate.error_rate).toBeGreaterThan(0.1);
    expect(view.control.error_rate).toBe(0);
  });
});

describe('a costlier candidate', () => {
  // sim-large costs ~17× sim-small per token: its cost per successful task is over the alarm's.
  const s = canarySuite([
    { id: 'pricey', kind: 'model', from: 'sim-small', to: 'sim-large', percent: 50, windowSeconds: 20, minRequests: 3, alarms: { costPerSuccessUsd: 0.0001, p95Ms: 5000 } },
  ]);

  it('is rolled back once feedback shows its cost per success over the threshold', async () => {
    const sent = await inBatches(16, 8, (i) => ask(s.gateway.url, `c-${i}`));
    const candidates = sent.filter((r) => r.variant === 'pricey:candidate');
    const controls = sent.filter((r) => r.variant === 'pricey:control');
    expect(candidates.length).toBeGreaterThanOrEqual(3);
    // Requests alone (no verdicts yet) do not roll it back: cost per success needs successes.
    await new Promise((r) => setTimeout(r, 600));
    expect((await stats(s.gateway.url)).canaries.pricey.state).toBe('active');
    for (const r of [...controls, ...candidates]) {
      expect(await succeeded(s.gateway.url, r.id)).toBe(204);
    }
    await expect.poll(async () => (await ask(s.gateway.url, 'c-0')).variant, { timeout: 5000 }).toBe('pricey:rolled_back');
    const view = (await stats(s.gateway.url)).canaries.pricey;
    expect(view).toMatchObject({ state: 'rolled_back', reason: 'alarm: costPerSuccessUsd' });
    expect(view.candidate.cost_per_success_usd).toBeGreaterThan(0.0001);
    expect(view.control.cost_per_success_usd).toBeLessThan(0.0001);
    await expect.poll(() => canaryCalls('pricey').length, { timeout: 5000 }).toBe(1);
  });
});
