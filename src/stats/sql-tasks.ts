import type { Outcome, RequestRecord, TaskRow, TaskStorage } from './tasks';

/** Records per statement pair. */
const SLICE = 500;
const col = (i: number) => `json_extract(j.value, '$[${i}]')`;
const ADD_TASKS = `INSERT INTO tasks (tenant, task, cost_usd, requests, model, last_at, variant)
  SELECT ${col(1)}, ${col(2)}, ${col(3)}, 1, ${col(4)}, ${col(5)}, ${col(7)} FROM json_each(?) j
  WHERE NOT EXISTS (SELECT 1 FROM requests r WHERE r.id = ${col(0)})
  ON CONFLICT (tenant, task) DO UPDATE SET cost_usd = cost_usd + excluded.cost_usd, requests = requests + 1,
    model = CASE WHEN excluded.last_at >= last_at THEN excluded.model ELSE model END,
    variant = CASE WHEN excluded.last_at >= last_at THEN excluded.variant ELSE variant END, last_at = MAX(last_at, excluded.last_at)`;
const ADD_REQUESTS = `INSERT OR IGNORE INTO requests (id, tenant, task, cost_usd, model, at, cache_key, variant)
  SELECT ${col(0)}, ${col(1)}, ${col(2)}, ${col(3)}, ${col(4)}, ${col(5)}, ${col(6)}, ${col(7)} FROM json_each(?) j`;

/**
 * A record the tables can hold: one that is not (a non-finite cost would be NULL in a NOT NULL
 * column and fail its whole slice) is skipped, as the per-row insert it replaced skipped it.
 */
const storable = (r: RequestRecord) =>
  typeof r.id === 'string' && typeof r.tenant === 'string' && typeof r.task === 'string' && typeof r.model === 'string' && Number.isFinite(r.cost_usd) && Number.isFinite(r.at);

/** Tasks in the object's SQLite: `requests` (a day of answered requests) and `tasks` (their sums and verdicts). */
export function sqlTasks(sql: SqlStorage): TaskStorage {
  sql.exec(`CREATE TABLE IF NOT EXISTS requests (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, task TEXT NOT NULL, cost_usd REAL NOT NULL,
    model TEXT NOT NULL, at INTEGER NOT NULL, cache_key TEXT, variant TEXT)`);
  sql.exec('CREATE INDEX IF NOT EXISTS requests_task ON requests (tenant, task)');
  sql.exec('CREATE INDEX IF NOT EXISTS requests_at ON requests (at)');
  sql.exec(`CREATE TABLE IF NOT EXISTS tasks (tenant TEXT NOT NULL, task TEXT NOT NULL, cost_usd REAL NOT NULL, requests INTEGER NOT NULL,
    model TEXT NOT NULL, last_at INTEGER NOT NULL, outcome TEXT, judged_at INTEGER, reason TEXT, variant TEXT, PRIMARY KEY (tenant, task))`);
  // Tables made before canaries lack the column.
  for (const table of ['requests', 'tasks']) {
    const columns = sql.exec<{ name: string }>(`PRAGMA table_info(${table})`).toArray();
    if (!columns.some((c) => c.name === 'variant')) sql.exec(`ALTER TABLE ${table} ADD COLUMN variant TEXT`);
  }
  sql.exec('CREATE INDEX IF NOT EXISTS tasks_judged ON tasks (judged_at)');
  return {
    // Two statements per slice of a shipment (not two per request): the records go in as one JSON
    // array. Slices of 500 keep that string far below the object's 2 MB string and row limit.
    // A request is counted into its task once — only if it is not recorded yet.
    addRequests(records: RequestRecord[]) {
      const seen = new Set<string>();
      const rows = records.filter((r) => storable(r) && !seen.has(r.id) && !!seen.add(r.id)).map((r) => [r.id, r.tenant, r.task, r.cost_usd, r.model, r.at, r.cache_key ?? null, r.variant ?? null]);
      for (let i = 0; i < rows.length; i += SLICE) {
        const json = JSON.stringify(rows.slice(i, i + SLICE));
        sql.exec(ADD_TASKS, json);
        sql.exec(ADD_REQUESTS, json);
      }
    },
    request: (id) => sql.exec<RequestRecord & Record<string, SqlStorageValue>>('SELECT * FROM requests WHERE id = ?', id).toArray()[0],
    setOutcome: (tenant, task, outcome: Outcome, at, reason) =>
      void sql.exec('UPDATE tasks SET outcome = ?, judged_at = ?, reason = ? WHERE tenant = ? AND task = ?', outcome, at, reason ?? null, tenant, task),
    cacheKeys: (tenant, task) =>
      sql.exec<{ cache_key: string }>('SELECT DISTINCT cache_key FROM requests WHERE tenant = ? AND task = ? AND cache_key IS NOT NULL', tenant, task).toArray().map((r) => r.cache_key),
    judged: (since) =>
      sql.exec<TaskRow & Record<string, SqlStorageValue>>('SELECT tenant, task, cost_usd, requests, model, outcome, variant FROM tasks WHERE outcome IS NOT NULL AND judged_at >= ?', since).toArray(),
    expire(before) {
      sql.exec('DELETE FROM requests WHERE at < ?', before);
      sql.exec('DELETE FROM tasks WHERE last_at < ?', before);
    },
  };
}
