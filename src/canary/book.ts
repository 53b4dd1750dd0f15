import type { Clock } from '../util/clock';
import type { VariantFigures } from '../stats/summary';
import type { CanaryState } from './assign';
import type { CanaryConfig } from './config';
import { armFigures, breached, judgeCanary, type AlarmName, type AlarmVerdict, type ArmFigures, type ArmTasks } from './decide';
import { specOf, statesOf, type CanaryStateRow } from './states';

/** Where decided states live: the stats object's SQLite (table `canaries`), a Map in unit tests. */
export interface CanaryStorage {
  all(): CanaryStateRow[];
  put(row: CanaryStateRow): void;
}

/** The figures a canary is judged and shown by, since a time (ms since the epoch). */
export interface CanaryFigures {
  variants(since: number): Record<string, VariantFigures>;
  /** Tasks judged since then, by the variant of their latest request. */
  tasks(since: number): Record<string, ArmTasks>;
}

export interface Rollback {
  canary: CanaryConfig;
  row: CanaryStateRow;
  alarms: AlarmName[];
  candidate: ArmFigures;
}

/** A canary in `/admin/stats`: its decision, both arms over the stats window, the alarms over its own. */
export interface CanaryView {
  kind: CanaryConfig['kind'];
  from: string;
  to: string;
  percent: number;
  state: CanaryState;
  decided_at: string | null;
  reason: string | null;
  window_seconds: number;
  min_requests: number;
  control: ArmFigures;
  candidate: ArmFigures;
  alarms: Partial<Record<AlarmName, AlarmVerdict>>;
}

/**
 * The canaries' decisions, kept by the stats object: set by an operator (promote, rollback) or by
 * `check`, which judges each active canary's candidate over its window after every ingest and
 * feedback and rolls back the ones an alarm holds against. Decided canaries are no longer judged,
 * so a rollback happens — and alarms — once.
 */
export class CanaryBook {
  constructor(
    private readonly storage: CanaryStorage,
    private readonly clock: Clock,
  ) {}

  rows(): CanaryStateRow[] {
    return this.storage.all();
  }

  set(canary: CanaryConfig, state: CanaryState, reason: string): CanaryStateRow {
    const row = { id: canary.id, state, spec: specOf(canary), at: this.clock.now(), reason };
    this.storage.put(row);
    return row;
  }

  check(canaries: readonly CanaryConfig[], figures: CanaryFigures): Rollback[] {
    const states = statesOf(canaries, this.storage.all());
    const out: Rollback[] = [];
    for (const canary of canaries) {
      if (states.get(canary.id) !== 'active') continue;
      const candidate = this.arm(canary, 'candidate', figures, this.clock.now() - canary.windowSeconds * 1000);
      const alarms = breached(judgeCanary(canary, candidate));
      if (!alarms.length) continue;
      out.push({ canary, row: this.set(canary, 'rolled_back', `alarm: ${alarms.join(', ')}`), alarms, candidate });
    }
    return out;
  }

  view(canaries: readonly CanaryConfig[], figures: CanaryFigures, windowFrom: number): Record<string, CanaryView> {
    const rows = new Map(this.storage.all().map((r) => [r.id, r]));
    const states = statesOf(canaries, rows.values());
    const out: Record<string, CanaryView> = {};
    for (const c of canaries) {
      const state = states.get(c.id)!;
      const row = state === 'active' ? undefined : rows.get(c.id);
      out[c.id] = {
        kind: c.kind,
        from: c.from,
        to: c.to,
        percent: c.percent,
        state,
        decided_at: row ? new Date(row.at).toISOString() : null,
        reason: row?.reason ?? null,
        window_seconds: c.windowSeconds,
        min_requests: c.minRequests,
        control: this.arm(c, 'control', figures, windowFrom),
        candidate: this.arm(c, 'candidate', figures, windowFrom),
        alarms: judgeCanary(c, this.arm(c, 'candidate', figures, this.clock.now() - c.windowSeconds * 1000)),
      };
    }
    return out;
  }

  private arm(c: CanaryConfig, side: 'control' | 'candidate', figures: CanaryFigures, since: number): ArmFigures {
    const label = `${c.id}:${side}`;
    return armFigures(figures.variants(since)[label], figures.tasks(since)[label]);
  }
}

/** The same storage in memory, for unit tests. */
export class MemoryCanaryStorage implements CanaryStorage {
  private readonly rows = new Map<string, CanaryStateRow>();
  all = () => [...this.rows.values()];
  put = (row: CanaryStateRow) => void this.rows.set(row.id, row);
}
