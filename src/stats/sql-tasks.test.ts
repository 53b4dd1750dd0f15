// The Durable Object's SQL task storage against the in-memory one it follows, on Node's SQLite
// behind the small part of the SqlStorage API the storage uses (exec → toArray / rowsWritten).
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { sqlTasks } from './sql-tasks';
import { MemoryTaskStorage, type RequestRecord, type TaskStorage } from './tasks';

function nodeSql(): SqlStorage {
  const db = new DatabaseSync(':memory:');
  const exec = (query: string, ...bindings: unknown[]) => {
    const statement = db.prepare(query);
    const reads = /^\s*(SELECT|PRAGMA)/i.test(query);
    const rows = reads ? statement.all(...(bindings as never[])) : [];
    const written = reads ? 0 : Number(statement.run(...(bindings as never[])).changes);
    return { toArray: () => rows.map((r) => ({ ...r })), rowsWritten: written };
  };
  return { exec } as unknown as SqlStorage;
}

/** A seeded generator, so a failure names the shipments that caused it. */
function random(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function shipment(rnd: () => number, size: number): RequestRecord[] {
  return Array.from({ length: size }, (_, i) => ({
    // 60 ids over 160 records: the same request in one shipment and across shipments.
    id: `r${Math.floor(rnd() * 60)}`,
    tenant: `t${Math.floor(rnd() * 3)}`,
    task: `k${Math.floor(rnd() * 10)}`,
    cost_usd: Math.floor(rnd() * 5) * 0.001,
    model: rnd() < 0.5 ? 'small' : 'large',
    at: 1_000 + Math.floor(rnd() * 50),
    cache_key: rnd() < 0.5 ? `c${i}` : undefined,
    variant: rnd() < 0.3 ? 'candidate' : undefined,
  }));
}

const rounded = (rows: ReturnType<TaskStorage['judged']>) =>
  rows.map((r) => ({ ...r, cost_usd: Math.round(r.cost_usd * 1e9) / 1e9, variant: r.variant ?? null })).sort((a, b) => `${a.tenant}/${a.task}`.localeCompare(`${b.tenant}/${b.task}`));

describe('sqlTasks', () => {
  it.each([1, 2, 3])('counts each request into its task once, like the in-memory storage (seed %i)', (seed) => {
    const rnd = random(seed);
    const sql = sqlTasks(nodeSql());
    const memory = new MemoryTaskStorage();
    for (let i = 0; i < 20; i++) {
      const records = shipment(rnd, 8);
      sql.addRequests(records);
      memory.addRequests(records);
    }
    const judgedAt = 2_000;
    // Give every task a verdict, then compare what the stats read: sums, counts, latest model and variant.
    for (let t = 0; t < 3; t++) {
      for (let k = 0; k < 10; k++) {
        sql.setOutcome(`t${t}`, `k${k}`, 'success', judgedAt);
        memory.setOutcome(`t${t}`, `k${k}`, 'success', judgedAt);
      }
    }
    expect(rounded(sql.judged(0))).toEqual(rounded(memory.judged(0)));
    expect(sql.judged(0).length).toBeGreaterThan(10);
    for (let n = 0; n < 60; n++) expect(sql.request(`r${n}`)?.task).toBe(memory.request(`r${n}`)?.task);
    for (let k = 0; k < 10; k++) expect(new Set(sql.cacheKeys('t0', `k${k}`))).toEqual(new Set(memory.cacheKeys('t0', `k${k}`)));
  });

  it('a shipment larger than one statement\'s slice (1,300 records, ids repeated across slices) is counted the same', () => {
    const rnd = random(7);
    const sql = sqlTasks(nodeSql());
    const memory = new MemoryTaskStorage();
    const records = shipment(rnd, 1300).map((r, i) => ({ ...r, id: `r${i % 900}` }));
    sql.addRequests(records);
    memory.addRequests(records);
    for (let t = 0; t < 3; t++) for (let k = 0; k < 10; k++) for (const s of [sql, memory]) s.setOutcome(`t${t}`, `k${k}`, 'failure', 2_000);
    expect(rounded(sql.judged(0))).toEqual(rounded(memory.judged(0)));
    expect(sql.judged(0).reduce((n, t) => n + t.requests, 0)).toBe(900);
  });

  it('a record the tables cannot hold (a non-finite cost) is skipped, the rest of its shipment counted', () => {
    const sql = sqlTasks(nodeSql());
    const ok = { id: 'a', tenant: 't', task: 'k', cost_usd: 0.002, model: 'small', at: 1_000 };
    sql.addRequests([ok, { ...ok, id: 'b', cost_usd: Number.NaN }, { ...ok, id: 'c', cost_usd: 0.001 }]);
    sql.setOutcome('t', 'k', 'success', 2_000);
    expect(rounded(sql.judged(0))).toEqual([{ tenant: 't', task: 'k', cost_usd: 0.003, requests: 2, model: 'small', variant: null, outcome: 'success' }]);
    expect(sql.request('b')).toBeUndefined();
  });
});
