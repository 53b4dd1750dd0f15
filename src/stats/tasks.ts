/**
 * Tasks and their outcomes (design §2 `/v1/feedback`): every answered request is recorded with its
 * tenant, task and cost (shipped with the stats, never a call per request); feedback marks a task
 * successful or failed; the cost of a successful task is the summed cost of all its requests —
 * retries, fallbacks, cache hits at 0 — and cost per successful task is their total over their
 * count. Kept a day.
 */
export interface RequestRecord {
  id: string;
  tenant: string;
  /** `gateway.task_id`, `x-gateway-task-id`, the UI chat's id, else the request's own id. */
  task: string;
  cost_usd: number;
  /** The model that answered (or was routed to). */
  model: string;
  /** ms since epoch */
  at: number;
  /** The answer's cache entry, evicted when its task is marked failed. */
  cache_key?: string;
  /** The canary variant the request got (`<canary id>:<variant>`), if a canary assigned one. */
  variant?: string;
}

export type Outcome = 'success' | 'failure';

export interface TaskRow {
  tenant: string;
  task: string;
  cost_usd: number;
  requests: number;
  model: string;
  outcome: Outcome;
  /** The variant of the task's latest request, if any. */
  variant?: string | null;
}

/** Where tasks live: the stats object's SQLite in production, memory in unit tests. */
export interface TaskStorage {
  addRequests(records: RequestRecord[]): void;
  request(id: string): RequestRecord | undefined;
  setOutcome(tenant: string, task: string, outcome: Outcome, at: number, reason?: string): void;
  cacheKeys(tenant: string, task: string): string[];
  /** Tasks with an outcome given since `since` (ms since epoch). */
  judged(since: number): TaskRow[];
  expire(before: number): void;
}

export type FeedbackResult = { status: 204; task: string; cacheKeys: string[] } | { status: 404 } | { status: 409; task: string };

export const TASK_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * A tenant's verdict on one of its requests' task. Another tenant's request or an unknown (or
 * expired) one is a 404 — the same answer, so ids do not leak across tenants. A `task` that is
 * not the request's own is a conflict. Marking again is idempotent (the latest verdict stands).
 */
export function giveFeedback(
  storage: TaskStorage,
  f: { tenant: string; requestId: string; success: boolean; task?: string; reason?: string },
  now: number,
): FeedbackResult {
  const r = storage.request(f.requestId);
  if (!r || r.tenant !== f.tenant || now - r.at > TASK_RETENTION_MS) return { status: 404 };
  if (f.task !== undefined && f.task !== r.task) return { status: 409, task: r.task };
  const outcome: Outcome = f.success ? 'success' : 'failure';
  storage.setOutcome(r.tenant, r.task, outcome, now, f.reason);
  return { status: 204, task: r.task, cacheKeys: outcome === 'failure' ? storage.cacheKeys(r.tenant, r.task) : [] };
}

export interface TaskFigures {
  succeeded: number;
  failed: number;
  succeeded_cost_usd: number;
  by_tenant: Record<string, { succeeded: number; failed: number; succeeded_cost_usd: number }>;
  by_model: Record<string, { succeeded: number; failed: number; succeeded_cost_usd: number }>;
  by_variant: Record<string, { succeeded: number; failed: number; succeeded_cost_usd: number }>;
}

/** The figures of the tasks judged in a window, in all and per tenant, model and variant (a task's last ones). */
export function taskFigures(rows: readonly TaskRow[]): TaskFigures {
  const zero = () => ({ succeeded: 0, failed: 0, succeeded_cost_usd: 0 });
  const out: TaskFigures = { ...zero(), by_tenant: {}, by_model: {}, by_variant: {} };
  for (const row of rows) {
    const groups = [out, (out.by_tenant[row.tenant] ??= zero()), (out.by_model[row.model] ??= zero())];
    if (row.variant) groups.push((out.by_variant[row.variant] ??= zero()));
    for (const into of groups) {
      if (row.outcome === 'success') {
        into.succeeded++;
        into.succeeded_cost_usd += row.cost_usd;
      } else into.failed++;
    }
  }
  return out;
}

/** The same storage in memory, for unit tests and as the reference the SQL version follows. */
export class MemoryTaskStorage implements TaskStorage {
  private readonly requests = new Map<string, RequestRecord>();
  private readonly tasks = new Map<string, { tenant: string; task: string; cost_usd: number; requests: number; model: string; variant?: string; last_at: number; outcome?: Outcome; judged_at?: number; keys: string[] }>();

  addRequests(records: RequestRecord[]): void {
    for (const r of records) {
      if (this.requests.has(r.id)) continue;
      this.requests.set(r.id, r);
      const k = `${r.tenant}\n${r.task}`;
      const t = this.tasks.get(k) ?? { tenant: r.tenant, task: r.task, cost_usd: 0, requests: 0, model: r.model, last_at: r.at, keys: [] };
      t.cost_usd += r.cost_usd;
      t.requests++;
      if (r.at >= t.last_at) {
        t.model = r.model;
        t.variant = r.variant;
        t.last_at = r.at;
      }
      if (r.cache_key) t.keys.push(r.cache_key);
      this.tasks.set(k, t);
    }
  }

  request(id: string): RequestRecord | undefined {
    return this.requests.get(id);
  }

  setOutcome(tenant: string, task: string, outcome: Outcome, at: number): void {
    const t = this.tasks.get(`${tenant}\n${task}`);
    if (t) Object.assign(t, { outcome, judged_at: at });
  }

  cacheKeys(tenant: string, task: string): string[] {
    return this.tasks.get(`${tenant}\n${task}`)?.keys ?? [];
  }

  judged(since: number): TaskRow[] {
    return [...this.tasks.values()]
      .filter((t) => t.outcome && t.judged_at! >= since)
      .map(({ tenant, task, cost_usd, requests, model, variant, outcome }) => ({ tenant, task, cost_usd, requests, model, variant, outcome: outcome! }));
  }

  expire(before: number): void {
    for (const [k, r] of this.requests) if (r.at < before) this.requests.delete(k);
    for (const [k, t] of this.tasks) if (t.last_at < before) this.tasks.delete(k);
  }
}
