import { describe, expect, it } from 'vitest';
import { giveFeedback, MemoryTaskStorage, taskFigures, TASK_RETENTION_MS, type RequestRecord } from './tasks';

const rec = (id: string, task: string, cost: number, extra: Partial<RequestRecord> = {}): RequestRecord => ({ id, tenant: 'acme', task, cost_usd: cost, model: 'm', at: 1000, ...extra });

describe('tasks and feedback', () => {
  it('a successful task costs all its requests (retries and cache hits included); per successful task is total ÷ count', () => {
    const s = new MemoryTaskStorage();
    s.addRequests([rec('r1', 't1', 0.002), rec('r2', 't1', 0.003), rec('r3', 't2', 0.001), rec('r4', 't2', 0), rec('r5', 't3', 0.004)]);
    expect(giveFeedback(s, { tenant: 'acme', requestId: 'r2', success: true }, 2000)).toMatchObject({ status: 204, task: 't1' });
    expect(giveFeedback(s, { tenant: 'acme', requestId: 'r4', success: true }, 2000)).toMatchObject({ status: 204, task: 't2' });
    expect(giveFeedback(s, { tenant: 'acme', requestId: 'r5', success: false }, 2000)).toMatchObject({ status: 204, task: 't3' });
    const f = taskFigures(s.judged(0));
    expect([f.succeeded, f.failed]).toEqual([2, 1]);
    expect(f.succeeded_cost_usd).toBeCloseTo(0.006, 12); // (0.002 + 0.003) + (0.001 + 0)
  });

  it('is tenant-scoped and 404s unknown or expired requests alike', () => {
    const s = new MemoryTaskStorage();
    s.addRequests([rec('r1', 't1', 0.002)]);
    expect(giveFeedback(s, { tenant: 'globex', requestId: 'r1', success: true }, 2000)).toEqual({ status: 404 });
    expect(giveFeedback(s, { tenant: 'acme', requestId: 'nope', success: true }, 2000)).toEqual({ status: 404 });
    expect(giveFeedback(s, { tenant: 'acme', requestId: 'r1', success: true }, 1000 + TASK_RETENTION_MS + 1)).toEqual({ status: 404 });
  });

  it('duplicate feedback is idempotent, the latest verdict stands; a different task is a conflict', () => {
    const s = new MemoryTaskStorage();
    s.addRequests([rec('r1', 't1', 0.002)]);
    giveFeedback(s, { tenant: 'acme', requestId: 'r1', success: true }, 2000);
    giveFeedback(s, { tenant: 'acme', requestId: 'r1', success: true }, 2001);
    expect(taskFigures(s.judged(0)).succeeded).toBe(1);
    giveFeedback(s, { tenant: 'acme', requestId: 'r1', success: false }, 2002);
    expect([taskFigures(s.judged(0)).succeeded, taskFigures(s.judged(0)).failed]).toEqual([0, 1]);
    expect(giveFeedback(s, { tenant: 'acme', requestId: 'r1', success: true, task: 'other' }, 2003)).toEqual({ status: 409, task: 't1' });
  });

  it('a failed task hands back its answers\' cache keys (to evict)', () => {
    const s = new MemoryTaskStorage();
    s.addRequests([rec('r1', 't1', 0.002, { cache_key: 'k1' }), rec('r2', 't1', 0, { cache_key: 'k1' })]);
    expect(giveFeedback(s, { tenant: 'acme', requestId: 'r1', success: false }, 2000)).toMatchObject({ cacheKeys: ['k1', 'k1'] });
  });
});
