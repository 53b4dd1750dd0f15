import { DurableObject } from 'cloudflare:workers';
import { parseConfig, sloBudgets, type Config, type StatsWindow } from '../config';
import type { Env } from '../env';
import { systemClock } from '../util/clock';
import { Alarm, type AlarmMemory } from './alarm';
import type { StatsView } from './render';
import { sloBreaches } from './slo';
import { StatsStore, type BucketStorage, type Shipment } from './store';
import type { Summary } from './summary';
import { WINDOW_MS } from './windows';

/**
 * GATEWAY_STATS: the one place figures from every isolate meet (design §5: operator figures live
 * in a shared store). One instance (`idFromName('global')`), SQLite-backed: 10 s buckets of the
 * last hour in table `buckets`, the last time each alarm fired in `alarms`. Isolates call
 * `ingest` every few seconds (never per request); `GET /admin/stats` calls `stats`. Each ingest
 * checks the SLO budgets of the config over `slo.alarmWindow` and raises a breach on the alarm
 * webhook, at most once per window per stage.
 */
export class GatewayStats extends DurableObject<Env> {
  private readonly store: StatsStore;
  private readonly alarms: AlarmMemory;
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
  }

  async ingest(shipment: Shipment): Promise<void> {
    await this.testFault();
    this.store.ingest(shipment);
    try {
      this.checkSlo();
    } catch (err) {
      // The figures are in; an alarm that cannot be judged or sent is logged, not the ingest's failure.
      console.error(JSON.stringify({ msg: 'slo_check_failed', error: String(err) }));
    }
  }

  async stats(window: StatsWindow): Promise<StatsView> {
    const config = this.loadConfig();
    return this.store.render(window, config ? sloBudgets(config.slo) : {});
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
