// POST /v1/feedback and cost per successful task: a scripted run of tasks, verdicts from the
// tenant, and /admin/stats's figure against the one computed by hand from the run's own costs.
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, OTHER_TENANT_KEY, TENANT_KEY, testConfig } from './harness/config.ts';
import { expectError } from './harness/expect.ts';
import { chat } from './harness/requests.ts';
import { gatewaySuite } from './harness/suite.ts';

const s = gatewaySuite((url) => ({ ...testConfig({ providerUrl: url }), stats: { flushMs: 100 } }), {
  each: ({ provider }) => provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0 }),
});

const ask = (content: string, task: string, extra: Record<string, unknown> = {}) =>
  chat(s.gateway.url, { messages: [{ role: 'user', content }], temperature: 0, gateway: { task_id: task }, ...extra });
const feedback = (body: Record<string, unknown>, key = TENANT_KEY) =>
  fetch(`${s.gateway.url}/v1/feedback`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const cost = (r: Response) => Number(r.headers.get('x-gateway-cost-usd') ?? 0);
const stats = async () => (await (await fetch(`${s.gateway.url}/admin/stats?window=1m`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as any;

describe('cost per successful task', () => {
  it('equals the hand-computed figure: every request of the successful tasks (a cache hit at 0) ÷ their count', async () => {
    const tag = Date.now();
    const a1 = await ask(`Plan the migration ${tag}`, `A${tag}`);
    const a2 = await ask(`Plan the migration, shorter ${tag}`, `A${tag}`);
    const b1 = await ask(`Summarise the incident ${tag}`, `B${tag}`);
    const c1 = await ask(`List the owners ${tag}`, `C${tag}`);
    const c2 = await ask(`List the owners ${tag}`, `C${tag}`); // the same question: a cache hit, cost 0
    expect(c2.headers.get('x-gateway-cache')).toBe('hit-memory');
    for (const r of [a1, a2, b1, c1, c2]) await r.arrayBuffer();
    const id = (r: Response) => r.headers.get('x-request-id')!;
    expect((await feedback({ request_id: id(a2), success: true })).status).toBe(204);
    expect((await feedback({ request_id: id(b1), success: false, reason: 'wrong owner' })).status).toBe(204);
    expect((await feedback({ request_id: id(c1), success: true, task_id: `C${tag}` })).status).toBe(204);
    // Duplicate feedback is idempotent.
    expect((await feedback({ request_id: id(c2), success: true })).status).toBe(204);
    const expected = (cost(a1) + cost(a2) + cost(c1) + cost(c2)) / 2;
    expect(cost(c2)).toBe(0);
    await expect.poll(async () => (await stats()).cost.tasks_succeeded, { timeout: 10_000 }).toBe(2);
    const view = await stats();
    expect(view.cost.tasks_failed).toBe(1);
    expect(view.cost.per_successful_task_usd).toBeCloseTo(expected, 9);
    expect(view.by_tenant.acme).toMatchObject({ tasks_succeeded: 2, tasks_failed: 1, success_rate: 2 / 3 });
    expect(view.by_tenant.acme.cost_per_successful_task_usd).toBeCloseTo(expected, 9);
    expect(view.by_model['sim-small']).toMatchObject({ tasks_succeeded: 2, tasks_failed: 1 });
    // The failed task's answer is no longer replayed from the cache.
    expect((await ask(`Summarise the incident ${tag}`, `B2${tag}`)).headers.get('x-gateway-cache')).toBe('miss');
  });
});

describe('feedback is tenant-scoped and checked', () => {
  it('another tenant\'s request and an unknown id are the same 404; a wrong task_id is a 409', async () => {
    const r = await ask(`Who is on call ${Date.now()}`, 'T1');
    await r.arrayBuffer();
    const id = r.headers.get('x-request-id')!;
    await expectError(await feedback({ request_id: id, success: true }, OTHER_TENANT_KEY), 404, 'request_not_found');
    await expectError(await feedback({ request_id: 'req_000000000000000000000000', success: true }), 404, 'request_not_found');
    await expectError(await feedback({ request_id: id, success: true, task_id: 'T2' }), 409, 'task_mismatch');
  });

  it('a malformed body is a 400 naming the field; no key is a 401', async () => {
    const err = await expectError(await feedback({ request_id: 'nope', success: true }), 400, 'invalid_request');
    expect(err.param).toBe('request_id');
    await expectError(await feedback({ request_id: 'req_000000000000000000000000', success: 'yes' }), 400, 'invalid_request');
    const res = await fetch(`${s.gateway.url}/v1/feedback`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
  });

  it('x-gateway-task-id joins a request to a task; the log line carries task id and cost', async () => {
    const r = await chat(s.gateway.url, {}, { headers: { 'x-gateway-task-id': 'header-task' } });
    await r.arrayBuffer();
    await expect.poll(() => s.gateway.requestLogs().find((l) => l.request_id === r.headers.get('x-request-id'))).toMatchObject({ task_id: 'header-task', cost_usd: expect.any(Number) });
  });
});
