import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis';
import { withTimeout } from '../util/deadlines';
import type { BucketSpec, TakeResult } from './token-bucket';

/** Redis did not answer in time, or answered with an error: the caller applies the lane's policy. */
export class LimiterUnavailable extends Error {
  constructor(cause: unknown) {
    super('the global rate limiter did not answer', { cause });
    this.name = 'LimiterUnavailable';
  }
}

/**
 * The global layer: @upstash/ratelimit's token bucket (one atomic Lua script per take) on Upstash
 * Redis, shared by every isolate. Its own timeout (which *admits* on timeout) and in-memory cache
 * are off: the gateway decides per lane what a Redis failure means, and the local layer is the
 * cache. A refund is a take of a negative amount, which the script adds back.
 */
export class GlobalLimiter {
  private readonly limiters = new Map<string, Ratelimit>();

  constructor(
    private readonly redis: Redis,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async take(key: string, spec: BucketSpec, n = 1): Promise<TakeResult> {
    const res = await this.call(this.limiter(spec).limit(key, { rate: n }));
    const resetMs = Math.max(0, res.reset - this.now());
    return { ok: res.success, remaining: Math.max(0, res.remaining), resetMs, retryAfterMs: res.success ? 0 : Math.max(resetMs, 1) };
  }

  async refund(key: string, spec: BucketSpec, n: number): Promise<void> {
    if (n > 0) await this.call(this.limiter(spec).limit(key, { rate: -n }));
  }

  private async call<T>(work: Promise<T>): Promise<T> {
    try {
      return await withTimeout(work, this.timeoutMs, () => new LimiterUnavailable('timeout'));
    } catch (err) {
      throw err instanceof LimiterUnavailable ? err : new LimiterUnavailable(err);
    }
  }

  /** One Ratelimit per bucket shape; continuous refill expressed as whole tokens per interval. */
  private limiter(spec: BucketSpec): Ratelimit {
    const id = `${spec.capacity}/${spec.refillPerSecond}`;
    let rl = this.limiters.get(id);
    if (!rl) {
      const perToken = spec.refillPerSecond >= 1;
      const refill = perToken ? Math.round(spec.refillPerSecond) : 1;
      const intervalMs = perToken ? 1000 : Math.round(1000 / Math.max(spec.refillPerSecond, 1e-6));
      rl = new Ratelimit({
        redis: this.redis,
        limiter: Ratelimit.tokenBucket(refill, `${intervalMs} ms`, spec.capacity),
        prefix: 'gw:rl',
        analytics: false,
        ephemeralCache: false,
        timeout: 0,
      });
      this.limiters.set(id, rl);
    }
    return rl;
  }
}
