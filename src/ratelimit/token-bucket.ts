/** A bucket's shape, as configured: `capacity` tokens, refilled continuously at `refillPerSecond`. */
export interface BucketSpec {
  capacity: number;
  refillPerSecond: number;
}

export interface TakeResult {
  ok: boolean;
  /** Whole tokens left after this decision. */
  remaining: number;
  /** ms until the bucket is full again (RateLimit-Reset). */
  resetMs: number;
  /** ms until `n` tokens are there (Retry-After), 0 when admitted. */
  retryAfterMs: number;
}

/**
 * The classic token bucket, on whatever clock the caller passes: a take of `n` succeeds only if
 * `n` tokens are there (a refused take costs nothing), tokens refill continuously, never above
 * capacity. Synchronous, so concurrent requests in an isolate cannot interleave inside a take.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    readonly spec: BucketSpec,
    now: number,
  ) {
    this.tokens = spec.capacity;
    this.at = now;
  }

  take(n: number, now: number): TakeResult {
    this.refill(now);
    const ok = this.tokens >= n;
    if (ok) this.tokens -= n;
    return {
      ok,
      remaining: Math.floor(this.tokens),
      resetMs: this.msFor(this.spec.capacity - this.tokens),
      retryAfterMs: ok ? 0 : this.msFor(n - this.tokens),
    };
  }

  /** Gives back tokens taken earlier (e.g. the unused part of a reservation). */
  refund(n: number, now: number): void {
    this.refill(now);
    this.tokens = Math.min(this.spec.capacity, this.tokens + n);
  }

  private refill(now: number): void {
    if (now > this.at) this.tokens = Math.min(this.spec.capacity, this.tokens + ((now - this.at) / 1000) * this.spec.refillPerSecond);
    this.at = Math.max(this.at, now);
  }

  private msFor(tokens: number): number {
    if (tokens <= 0) return 0;
    return this.spec.refillPerSecond > 0 ? Math.ceil((tokens / this.spec.refillPerSecond) * 1000) : Number.POSITIVE_INFINITY;
  }
}
