import type { Clock } from '../util/clock';

/** When each alarm key last fired (ms since the epoch): the Durable Object's SQLite, or a Map. */
export interface AlarmMemory {
  get(key: string): number | undefined;
  set(key: string, at: number): void;
}

export interface AlarmOptions {
  /** Where alarms are POSTed as JSON. From the config only, never from a request. */
  webhook: string;
  /** A key that fired is quiet for this long, however often it is raised meanwhile. */
  minIntervalMs: number;
  /** The POST is abandoned after this long. @default 5000 */
  timeoutMs?: number;
}

/**
 * A rate-limited webhook: `raise(key, payload)` POSTs the payload unless the same key fired
 * within `minIntervalMs`. Shared by the SLO check and, next, the canaries (a key per canary and
 * metric). The decision is made and remembered synchronously, before any await, so concurrent
 * raises in a Durable Object cannot both fire. Returns the POST for `waitUntil` (what the hook
 * answered), or undefined when rate-limited; it never throws.
 */
export type AlarmResult = { ok: true; status: number } | { ok: false; status?: number; error: string };

export class Alarm {
  constructor(
    private readonly opts: AlarmOptions,
    private readonly memory: AlarmMemory,
    private readonly clock: Clock,
    // Called unbound: workerd's fetch throws "Illegal invocation" when called as a method.
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  raise(key: string, payload: Record<string, unknown>): Promise<AlarmResult> | undefined {
    const now = this.clock.now();
    const last = this.memory.get(key);
    if (last !== undefined && now - last < this.opts.minIntervalMs) return undefined;
    this.memory.set(key, now);
    return this.post(payload);
  }

  private async post(payload: Record<string, unknown>): Promise<AlarmResult> {
    try {
      const res = await this.fetcher(this.opts.webhook, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
      });
      await res.body?.cancel();
      return res.ok ? { ok: true, status: res.status } : { ok: false, status: res.status, error: `HTTP ${res.status}` };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
  }
}
