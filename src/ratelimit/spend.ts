import type { Redis } from '@upstash/redis';
import { withTimeout } from '../util/deadlines';
import { LimiterUnavailable } from './global-limiter';

/** Spend is counted in nano-USD: whole numbers, so Redis's INCRBY adds them exactly. */
export const NANO = 1e9;
export const toNano = (usd: number): number => Math.max(0, Math.ceil(usd * NANO));

export interface SpendResult {
  ok: boolean;
  /** Spent today (nano-USD) after this call (or, refused, as it stands). */
  spent: number;
}

/**
 * A tenant's spend for a day: reserve against a limit atomically; adjust without one. `token`
 * names one reservation, so one that may have landed after its caller gave up can be undone
 * exactly once (`compensate`), never twice and never when it did not land.
 */
export interface SpendLedger {
  reserve(key: string, nano: number, limitNano: number, ttlSeconds: number, token?: string): Promise<SpendResult>;
  adjust(key: string, deltaNano: number, ttlSeconds: number, token?: string): Promise<void>;
  /** Gives back a reservation made under `token` that was never settled (no-op if there is none). */
  compensate?(key: string, token: string): Promise<void>;
}

/**
 * Reserve-or-refuse in one step on Redis: the check and the increment cannot interleave with
 * another isolate's, so concurrent requests never overrun the limit by more than nothing — a
 * refused reservation leaves the ledger untouched. ARGV: amount, limit (0 = no check), ttl.
 */
export const SPEND_SCRIPT = `local spent = tonumber(redis.call('GET', KEYS[1]) or '0')
local amount = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
if limit > 0 and amount > 0 and spent + amount > limit then return {0, spent} end
spent = redis.call('INCRBY', KEYS[1], amount)
redis.call('EXPIRE', KEYS[1], ARGV[3])
if KEYS[2] then
  if ARGV[4] == 'reserve' then redis.call('SET', KEYS[2], amount, 'EX', ARGV[3]) else redis.call('DEL', KEYS[2]) end
end
return {1, spent}`;

/** Undoes a reservation still marked under its token, once (the marker goes with it). */
export const COMPENSATE_SCRIPT = `local n = tonumber(redis.call('GET', KEYS[2]) or '0')
if n > 0 then redis.call('DECRBY', KEYS[1], n) end
redis.call('DEL', KEYS[2])
return n`;

export class RedisSpendLedger implements SpendLedger {
  private readonly script;
  private readonly undo;

  constructor(
    redis: Redis,
    private readonly timeoutMs: number,
  ) {
    // createScript runs EVALSHA and falls back to EVAL once on NOSCRIPT.
    this.script = redis.createScript<[number, number]>(SPEND_SCRIPT);
    this.undo = redis.createScript<number>(COMPENSATE_SCRIPT);
  }

  async reserve(key: string, nano: number, limitNano: number, ttlSeconds: number, token?: string): Promise<SpendResult> {
    const [ok, spent] = await this.call(this.script.exec(token ? [key, token] : [key], [String(nano), String(limitNano), String(ttlSeconds), 'reserve']));
    return { ok: ok === 1, spent: Number(spent) };
  }

  async adjust(key: string, deltaNano: number, ttlSeconds: number, token?: string): Promise<void> {
    // Settling clears the reservation's marker in the same step, so it can no longer be undone.
    if (deltaNano !== 0 || token) await this.call(this.script.exec(token ? [key, token] : [key], [String(deltaNano), '0', String(ttlSeconds), 'settle']));
  }

  async compensate(key: string, token: string): Promise<void> {
    await this.call(this.undo.exec([key, token], []));
  }

  private async call<T>(work: Promise<T>): Promise<T> {
    try {
      return await withTimeout(work, this.timeoutMs, () => new LimiterUnavailable('timeout'));
    } catch (err) {
      throw err instanceof LimiterUnavailable ? err : new LimiterUnavailable(err);
    }
  }
}

/** The same ledger in isolate memory: exact within an isolate, the fallback without Redis. */
export class MemorySpendLedger implements SpendLedger {
  private readonly spent = new Map<string, { nano: number; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async reserve(key: string, nano: number, limitNano: number, ttlSeconds: number): Promise<SpendResult> {
    const spent = this.current(key);
    if (limitNano > 0 && nano > 0 && spent + nano > limitNano) return { ok: false, spent };
    this.set(key, spent + nano, ttlSeconds);
    return { ok: true, spent: spent + nano };
  }

  async adjust(key: string, deltaNano: number, ttlSeconds: number): Promise<void> {
    this.set(key, this.current(key) + deltaNano, ttlSeconds);
  }

  private current(key: string): number {
    const entry = this.spent.get(key);
    if (!entry || entry.expiresAt <= this.now()) return 0;
    return entry.nano;
  }

  private set(key: string, nano: number, ttlSeconds: number): void {
    // Keys are per tenant per day: a day's are dropped once they expire.
    if (this.spent.size > 10_000) for (const [k, v] of this.spent) if (v.expiresAt <= this.now()) this.spent.delete(k);
    this.spent.set(key, { nano: Math.max(0, nano), expiresAt: this.now() + ttlSeconds * 1000 });
  }
}

/** The ledger key of a tenant's spend on a UTC day, and the seconds until that day ends. */
export function spendDay(tenantId: string, now: number): { key: string; resetSeconds: number } {
  const day = new Date(now).toISOString().slice(0, 10);
  const midnight = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
  return { key: `gw:spend:${encodeURIComponent(tenantId)}:${day}`, resetSeconds: Math.max(1, Math.ceil((midnight - now) / 1000)) };
}
