import { Redis } from '@upstash/redis/cloudflare';
import type { Config } from '../config';
import type { Env } from '../env';
import { GatewayError } from '../errors';
import type { Clock } from '../util/clock';
import { GlobalLimiter } from './global-limiter';
import { LocalLimiter } from './local-limiter';
import { MemorySpendLedger, RedisSpendLedger, type SpendLedger } from './spend';

/**
 * The isolate's limiter state: local buckets, the global limiter (when Upstash is configured),
 * batch slots. One per isolate, built in `createIsolateState`.
 */
export class LimiterState {
  readonly local: LocalLimiter;
  /** This isolate's spend ledger: exact without Redis, the fallback on Redis trouble. */
  readonly localSpend: SpendLedger = new MemorySpendLedger();
  private global: { key: string; limiter: GlobalLimiter; spend: SpendLedger } | undefined;
  private batchInFlight = 0;

  constructor(clock: Clock) {
    this.local = new LocalLimiter(clock);
  }

  globalLimiter(env: Env, config: Config): GlobalLimiter | undefined {
    return this.shared(env, config)?.limiter;
  }

  /** The tenants' daily spend, shared across isolates on Redis (when configured) and kept here too. */
  spendLedgers(env: Env, config: Config): { shared?: SpendLedger; local: SpendLedger } {
    return { shared: this.shared(env, config)?.spend, local: this.localSpend };
  }

  private shared(env: Env, config: Config) {
    const url = env.UPSTASH_REDIS_REST_URL;
    const token = env.UPSTASH_REDIS_REST_TOKEN;
    if (!url || !token) return undefined;
    const key = `${url}\n${token}\n${config.rateLimit.redisTimeoutMs}`;
    if (this.global?.key !== key) {
      // No client-side retries: a slow Redis must hit the lane's deadline, not be retried past it;
      // and every Upstash fetch carries that deadline as an AbortSignal, so an abandoned call stops.
      const timeoutMs = config.rateLimit.redisTimeoutMs;
      const redis = new Redis({ url, token, retry: false, enableTelemetry: false, signal: () => AbortSignal.timeout(timeoutMs) });
      this.global = { key, limiter: new GlobalLimiter(redis, timeoutMs), spend: new RedisSpendLedger(redis, timeoutMs) };
    }
    return this.global;
  }

  /**
   * A batch slot in this isolate, or a 503 when all are taken: under load, batch is shed first so
   * interactive requests keep their latency. Returns the release.
   */
  takeBatchSlot(config: Config): () => void {
    if (this.batchInFlight >= config.rateLimit.batchConcurrency) {
      throw new GatewayError('Too many batch requests in flight; retry shortly.', { status: 503, code: 'batch_shed', retryAfter: 1, param: 'batch' });
    }
    this.batchInFlight++;
    let released = false;
    return () => {
      if (!released) this.batchInFlight--;
      released = true;
    };
  }
}
