import { Redis } from '@upstash/redis/cloudflare';
import type { Config } from '../config';
import type { Env } from '../env';
import type { CachedAnswer } from './answer';
import type { Clock } from '../util/clock';
import { LayeredCache, type LayerTtl } from './layered';
import { KvLayer, MemoryLayer, RedisLayer } from './layers';
import { SingleFlight } from './single-flight';

/**
 * The isolate's cache state: L1 memory, the single-flight table, and the Redis client and KV layer
 * for the bindings present (rebuilt when they change). One per isolate, built in `createIsolateState`.
 */
export class CacheState {
  private readonly memory: MemoryLayer;
  private readonly retrievalMemory: MemoryLayer;
  readonly singleFlight = new SingleFlight<CachedAnswer>();
  private redis: { key: string; client: Redis } | undefined;
  private kv: { ns: KVNamespace; layer: KvLayer } | undefined;

  constructor(private readonly clock: Clock) {
    this.memory = new MemoryLayer(clock);
    this.retrievalMemory = new MemoryLayer(clock, 4 * 1024 * 1024);
  }

  /** The Upstash client for text values, when Upstash is configured. */
  redisClient(env: Env, config: Config): Redis | undefined {
    const { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token } = env;
    if (!url || !token) return undefined;
    // Each call's own deadline is tighter (a race in the caller); this one aborts the fetch itself.
    const abortAfterMs = config.rateLimit.redisTimeoutMs * 5;
    const key = `${url}\n${token}\n${abortAfterMs}`;
    if (this.redis?.key !== key) {
      // Values are stored as text: no JSON (de)serialization by the client, no retries past the deadline.
      const client = new Redis({ url, token, retry: false, enableTelemetry: false, automaticDeserialization: false, signal: () => AbortSignal.timeout(abortAfterMs) });
      this.redis = { key, client };
    }
    return this.redis.client;
  }

  /** Answers: memory → Redis → KV, for the bindings present. */
  layers(env: Env, config: Config): LayeredCache {
    const layers: LayerTtl[] = [{ layer: this.memory, ttlSeconds: config.cache.memoryTtlSeconds }];
    const client = this.redisClient(env, config);
    if (client) layers.push({ layer: new RedisLayer(client, config.rateLimit.redisTimeoutMs), ttlSeconds: config.cache.redisTtlSeconds });
    if (env.GATEWAY_KV) {
      if (this.kv?.ns !== env.GATEWAY_KV) this.kv = { ns: env.GATEWAY_KV, layer: new KvLayer(env.GATEWAY_KV, this.clock) };
      layers.push({ layer: this.kv.layer, ttlSeconds: config.cache.kvTtlSeconds });
    }
    return new LayeredCache(layers);
  }

  /** Retrieval results: memory and Redis only (they change too often for KV's minute-scale TTLs). */
  retrievalLayers(env: Env, config: Config): LayeredCache {
    const ttl = config.cache.retrievalTtlSeconds;
    const layers: LayerTtl[] = [{ layer: this.retrievalMemory, ttlSeconds: ttl }];
    const client = this.redisClient(env, config);
    if (client) layers.push({ layer: new RedisLayer(client, config.rateLimit.redisTimeoutMs), ttlSeconds: ttl });
    return new LayeredCache(layers);
  }
}
