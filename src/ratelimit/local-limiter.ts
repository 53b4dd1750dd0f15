import type { Clock } from '../util/clock';
import { Lru } from './lru';
import { TokenBucket, type BucketSpec, type TakeResult } from './token-bucket';

/**
 * The in-isolate layer: one token bucket per key (`tenant:lane`, `tenant:tool:name`,
 * `tenant:tpm`), bounded in memory. It refuses what is certainly over the limit without a network
 * call; what it admits still has to pass the global layer when there is one.
 */
export class LocalLimiter {
  private readonly buckets: Lru<string, TokenBucket>;

  constructor(
    private readonly clock: Clock,
    maxKeys = 10_000,
  ) {
    this.buckets = new Lru(maxKeys);
  }

  take(key: string, spec: BucketSpec, n = 1): TakeResult {
    return this.bucket(key, spec).take(n, this.clock.now());
  }

  refund(key: string, spec: BucketSpec, n: number): void {
    if (n > 0) this.bucket(key, spec).refund(n, this.clock.now());
  }

  private bucket(key: string, spec: BucketSpec): TokenBucket {
    let b = this.buckets.get(key);
    // A changed spec (new config) starts a fresh bucket.
    if (!b || b.spec.capacity !== spec.capacity || b.spec.refillPerSecond !== spec.refillPerSecond) {
      b = new TokenBucket(spec, this.clock.now());
      this.buckets.set(key, b);
    }
    return b;
  }
}
