import type { Clock } from '../util/clock';
import type { CanaryState } from './assign';
import type { CanaryConfig } from './config';

/** A canary's decided state, as the stats object keeps it. */
export interface CanaryStateRow {
  id: string;
  state: CanaryState;
  /** What was decided on (`specOf`): a canary edited to try something else starts afresh. */
  spec: string;
  /** ms since the epoch */
  at: number;
  /** Why: `operator`, or the alarm that rolled it back. */
  reason?: string;
}

/** A canary's identity for its decision: kind, from and to. */
export const specOf = (c: Pick<CanaryConfig, 'kind' | 'from' | 'to'>) => `${c.kind}:${c.from}>${c.to}`;

/** The state each configured canary is in, given the decided rows (a row for another spec is stale). */
export function statesOf(canaries: readonly CanaryConfig[], rows: Iterable<CanaryStateRow>): Map<string, CanaryState> {
  const byId = new Map([...rows].map((r) => [r.id, r]));
  return new Map(
    canaries.map((c) => {
      const row = byId.get(c.id);
      return [c.id, row && row.spec === specOf(c) ? row.state : 'active'];
    }),
  );
}

/**
 * This isolate's copy of the canaries' state (design §5: the stats object owns it; isolate memory
 * only caches it). A request reads the copy as it is — never waiting on the object — and, when the
 * copy is older than `maxAgeMs`, hands back one refresh for its `waitUntil`; so every isolate obeys
 * a rollback within `maxAgeMs` plus a round trip of its next request. A failed refresh keeps the
 * old copy and is retried by the next request.
 */
export class CanaryStates {
  private rows = new Map<string, CanaryStateRow>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private inflight?: Promise<void>;

  constructor(private readonly clock: Clock) {}

  read(canaries: readonly CanaryConfig[], maxAgeMs: number, load: () => Promise<CanaryStateRow[]>): { states: Map<string, CanaryState>; refresh?: Promise<void> } {
    const states = statesOf(canaries, this.rows.values());
    if (this.inflight || this.clock.now() - this.fetchedAt < maxAgeMs) return { states };
    const refresh = (this.inflight = load()
      .then((rows) => {
        this.rows = new Map(rows.map((r) => [r.id, r]));
        this.fetchedAt = this.clock.now();
      })
      .catch((err: unknown) => console.error(JSON.stringify({ msg: 'canary_state_refresh_failed', error: String(err) })))
      .finally(() => (this.inflight = undefined)));
    return { states, refresh };
  }

  /** A state this isolate decided itself (an admin call): obeyed here at once. */
  set(row: CanaryStateRow): void {
    this.rows.set(row.id, row);
  }
}
