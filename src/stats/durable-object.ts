import { DurableObject } from 'cloudflare:workers';
import { CanaryBook, type CanaryFigures, type Rollback } from '../canary/book';
import type { CanaryStateRow } from '../canary/states';
import { parseConfig, sloBudgets, type Config, type StatsWindow } from '../config';
import type { Env } from '../env';
import { systemClock } from '../util/clock';
import { Alarm, type AlarmMemory } from './alarm';
import type { StatsView } from './render';
import { sloBreaches } from './slo';
import { StatsStore, type BucketStorage, type Shipment } from './store';
import type { Summary } from './summary';
import { sqlTasks } from './sql-tasks';
import { giveFeedback, TASK_RETENTION_MS, taskFigures, type FeedbackResult, type TaskStorage } from './tasks';
import { WINDOW_MS } from './windows';

/**
 * GATEWAY_STATS: the one place figures from every isolate meet (design §5: operator figures live
 * in a shared store). One instance (`idFromName('global')`), SQLite-backed: 10 s buckets of the
 * last hour in table `buckets`, the last time each alarm fired in `alarms`. Isolates call
 * `ingest` every few seconds (never per request); `GET /admin/stats` calls `stats`. Each ingest
 * checks the SLO budgets of the config over `slo.alarmWindow` and raises a breach on the alarm
 * webhook, at most once per window per stage. It also owns the canaries' state (table `canaries`):
 * each ingest and feedback judges the active canaries and rolls back those an alarm holds against;
 * isolates read the states every few seconds (`canaryStates`).
 */
export class GatewayStats extends DurableObject<Env> {
  private readonly store: StatsStore;
  private readonly alarms: AlarmMemory;
  private readonly tasks: TaskStorage;
  private readonly canaries: CanaryBook;
  private config?: { text: string | undefined; config: Config | undefined };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec('CREATE TABLE IF NOT EXISTS buckets (t INTEGER PRIMARY KEY, summary TEXT NOT NULL)');
    sql.exec('CREATE TABLE IF NOT EXISTS alarms (key TEXT PRIMARY KEY, at INTEGER NOT NULL)');
    const buckets: BucketStorage = {
      load: () =>
        sql.exec<{ t: number; summary: string }>('SELECT t, summary FROM buckets ORDER BY t').toArray()
          .map((r) => ({ t: r.t, summary: JSON.parse(r.summary) as Summary })),
      put: (t, summary) => void sql.exec('INSERT OR REPLACE INTO buckets (t, summary) VALUES (?, ?)', t, JSON.stringify(summary)),
      deleteBefore: (t) => void sql.exec('DELETE FROM buckets WHERE t < ?', t),
    };
    this.alarms = {
      get: (key) => sql.exec<{ at: number }>('SELECT at FROM alarms WHERE key = ?', key).toArray()[0]?.at,
      set: (key, at) => void sql.exec('INSERT OR REPLACE INTO alarms (key, at) VALUES (?, ?)', key, at),
    };
    this.store = new StatsStore(buckets, systemClock);
    this.tasks = sqlTasks(sql);
    sql.exec('CREATE TABLE IF NOT EXISTS canaries (id TEXT PRIMARY KEY, state TEXT NOT NULL, spec TEXT NOT NULL, at INTEGER NOT NULL, reason TEXT)');
    this.canaries = new CanaryBook(
      {
        all: () => sql.exec<CanaryStateRow & Record<string, SqlStorageValue>>('SELECT id, state, spec, at, reason FROM canaries').toArray().map((r) => ({ ...r, reason: r.reason ?? undefined })),
        put: (r) => void sql.exec('INSERT OR REPLACE INTO canaries (id, state, spec, at, reason) VALUES (?, ?, ?, ?, ?)', r.id, r.state, r.spec, r.at, r.reason ?? null),
      },
      systemClock,
    );
  }

  /** The canaries' decided states (isolates cache them for a few seconds). */
  async canaryStates(): Promise<CanaryStateRow[]> {
    return this.canaries.rows();
  }

  /** An operator's decision (`POST /admin/canaries/{id}/promote|rollback`); undefined for a canary the config does not have. */
  async setCanary(id: string, state: 'promoted' | 'rolled_back'): Promise<CanaryStateRow | undefined> {
    const canary = this.loadConfig()?.canaries.find((c) => c.id === id);
    if (!canary) return undefined;
    const row = this.canaries.set(canary, state, 'operator');
    console.log(JSON.stringify({ msg: 'canary_decided', canary: id, state, reason: 'operator' }));
    return row;
  }

  /** A tenant's verdict on the task of one of its requests (POST /v1/feedback). */
  async feedback(f: { tenant: string; requestId: string; success: boolean; task?: string; reason?: string }): Promise<FeedbackResult> {
    const result = giveFeedback(this.tasks, f, systemClock.now());
    // A verdict moves cost per success: a canary may breach on it.
    if (result.status === 204) this.guard('canary_check_failed', () => this.checkCanaries());
    return result;
  }

  async ingest(shipment: Shipment): Promise<void> {
    await this.testFault();
    this.store.ingest(shipment);
    if (shipment.requests?.length) this.tasks.addRequests(shipment.requests);
    this.tasks.expire(systemClock.now() - TASK_RETENTION_MS);
    // The figures are in; an alarm that cannot be judged or sent is logged, not the ingest's failure.
    this.guard('slo_check_failed', () => this.checkSlo());
    this.guard('canary_check_failed', () => this.checkCanaries());
  }

  async stats(window: StatsWindow): Promise<StatsView> {
    const config = this.loadConfig();
    const view = this.store.render(window, config ? sloBudgets(config.slo) : {});
    view.canaries = this.canaries.view(config?.canaries ?? [], this.canaryFigures(), Date.parse(view.from));
    return withTasks(view, taskFigures(this.tasks.judged(systemClock.now() - WINDOW_MS[window])));
  }

  /** Active canaries over their windows; a breach rolls the canary back, logged and alarmed once. */
  private checkCanaries(): void {
    const config = this.loadConfig();
    if (!config?.canaries.length) return;
    for (const r of this.canaries.check(config.canaries, this.canaryFigures())) this.announce(r, config.slo.alarmWebhook);
  }

  private announce({ canary, row, alarms, candidate }: Rollback, webhook: string | undefined): void {
    const event = { canary: canary.id, kind: canary.kind, from: canary.from, to: canary.to, breached: alarms, candidate, window_seconds: canary.windowSeconds };
    console.log(JSON.stringify({ msg: 'canary_rolled_back', ...event }));
    if (!webhook) return;
    const alarm = new Alarm({ webhook, minIntervalMs: canary.windowSeconds * 1000 }, this.alarms, systemClock);
    const sent = alarm.raise(`canary:${canary.id}`, { alarm: 'canary_rolled_back', ...event, at: new Date(row.at).toISOString() });
    if (sent) this.ctx.waitUntil(sent.then((r) => console.log(JSON.stringify({ msg: 'canary_alarm', canary: canary.id, ...r }))));
  }

  /** Variant figures and task verdicts since a time, each read once per call however often asked. */
  private canaryFigures(): CanaryFigures {
    const variants = new Map<number, ReturnType<StatsStore['since']>['variants']>();
    const tasks = new Map<number, ReturnType<typeof taskFigures>['by_variant']>();
    return {
      variants: (since) => variants.get(since) ?? variants.set(since, this.store.since(since).variants).get(since)!,
      tasks: (since) => tasks.get(since) ?? tasks.set(since, taskFigures(this.tasks.judged(since)).by_variant).get(since)!,
    };
  }

  private guard(msg: string, work: () => void): void {
    try {
      work();
    } catch (err) {
      console.error(JSON.stringify({ msg, error: String(err) }));
    }
  }

  /** Breaches over the alarm window, each sent (rate-limited) off the ingest's path. */
  private checkSlo(): void {
    const slo = this.loadConfig()?.slo;
    if (!slo?.alarmWebhook) return;
    const window = slo.alarmWindow;
    const alarm = new Alarm({ webhook: slo.alarmWebhook, minIntervalMs: WINDOW_MS[window] }, this.alarms, systemClock);
    for (const b of sloBreaches(this.store.window(window).merged, sloBudgets(slo), slo.alarmMinRequests)) {
      const sent = alarm.raise(`slo:${b.stage}`, { alarm: 'slo_breach', ...b, window, at: new Date().toISOString() });
      if (!sent) continue; // this stage already alarmed in this window
      this.ctx.waitUntil(
        sent.then((r) => console.log(JSON.stringify({ msg: 'slo_alarm', stage: b.stage, p95_ms: b.p95_ms, slo_ms: b.slo_ms, ...r }))),
      );
    }
  }

  /** The same config the gateway runs on (GATEWAY_CONFIG, same parser), parsed once per text. */
  private loadConfig(): Config | undefined {
    const text = this.env.GATEWAY_CONFIG;
    const memo = this.config;
    if (memo && memo.text === text) return memo.config;
    const parsed = parseConfig(text, this.env as unknown as Record<string, unknown>);
    const config = parsed.ok ? parsed.config : undefined;
    this.config = { text, config };
    return config;
  }

  /** Tests only: GATEWAY_STATS_FAULT=throw makes every ingest fail, =hang makes it never answer. */
  private async testFault(): Promise<void> {
    const fault = this.env.GATEWAY_STATS_FAULT;
    if (fault === 'throw') throw new Error('GATEWAY_STATS_FAULT=throw');
    if (fault === 'hang') await new Promise((resolve) => setTimeout(resolve, 60_000));
  }
}

/** The task figures of the window (tasks judged in it) in the stats view, in all and per tenant and model. */
function withTasks(view: StatsView, f: ReturnType<typeof taskFigures>): StatsView {
  const perSuccess = (x: { succeeded: number; succeeded_cost_usd: number }) => (x.succeeded ? Math.round((x.succeeded_cost_usd / x.succeeded) * 1e10) / 1e10 : null);
  const rate = (x: { succeeded: number; failed: number }) => (x.succeeded + x.failed ? x.succeeded / (x.succeeded + x.failed) : null);
  view.cost = { ...view.cost, per_successful_task_usd: perSuccess(f), tasks_succeeded: f.succeeded, tasks_failed: f.failed };
  const into = (group: Record<string, Record<string, unknown>>, figures: Record<string, typeof f.by_tenant[string]>) => {
    for (const [k, x] of Object.entries(figures)) {
      group[k] = { ...group[k], cost_per_successful_task_usd: perSuccess(x), tasks_succeeded: x.succeeded, tasks_failed: x.failed, success_rate: rate(x) };
    }
  };
  into(view.by_tenant as Record<string, Record<string, unknown>>, f.by_tenant);
  into(view.by_model as Record<string, Record<string, unknown>>, f.by_model);
  return view;
}

