import { Redis } from '@upstash/redis/cloudflare';
import type { Config } from '../config';
import type { Env } from '../env';
import type { CachedAnswer } from './answer';
import { systemClock } from '../util/clock';
import { LayeredCache, type LayerTtl } from './layered';
import { KvLayer, MemoryLayer, RedisLayer } from './layers';
import { SingleFlight } from './single-flight';

/** The isolate's L1 and single-flight table; L2 and L3 come from the bindings present. */
const memory = new MemoryLayer(systemClock);
const retrievalMemory = new MemoryLayer(systemClock, 4 * 1024 * 1024);
export const singleFlight = new SingleFlight<CachedAnswer>();

let redis: { key: string; client: Redis } | undefined;
let kv: { ns: KVNamespace; layer: KvLayer } | undefined;

/** The isolate's Upstash client for text values, when Upstash is configured. */
export function redisClient(env: Env, config: Config): Redis | undefined {
  const { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token } = env;
  if (!url || !token) return undefined;
  // Each call's own deadline is tighter (a race in the caller); this one aborts the fetch itself.
  const abortAfterMs = config.rateLimit.redisTimeoutMs * 5;
  const key = `${url}\n${token}\n${abortAfterMs}`;
  if (redis?.key !== key) {
    // Values are stored as text: no JSON (de)serialization by the client, no retries past the deadline.
    const client = new Redis({ url, token, retry: false, enableTelemetry: false, automaticDeserialization: false, signal: () => AbortSignal.timeout(abortAfterMs) });
    redis = { key, client };
  }
  return redis.client;
}

export function layeredCache(env: Env, config: Config): LayeredCache {
  const layers: LayerTtl[] = [{ layer: memory, ttlSeconds: config.cache.memoryTtlSeconds }];
  const client = redisClient(env, config);
  if (client) layers.push({ layer: new RedisLayer(client, config.rateLimit.redisTimeoutMs), ttlSeconds: config.cache.redisTtlSeconds });
  if (env.GATEWAY_KV) {
    if (kv?.ns !== env.GATEWAY_KV) kv = { ns: env.GATEWAY_KV, layer: new KvLayer(env.GATEWAY_KV, systemClock) };
    layers.push({ layer: kv.layer, ttlSeconds: config.cache.kvTtlSeconds });
  }
  return new LayeredCache(layers);
}

/** Retrieval results: memory and Redis only (they change too often for KV's minute-scale TTLs). */
export function retrievalCacheLayers(env: Env, config: Config): LayeredCache {
  const ttl = config.cache.retrievalTtlSeconds;
  const layers: LayerTtl[] = [{ layer: retrievalMemory, ttlSeconds: ttl }];
  const client = redisClient(env, config);
  if (client) layers.push({ layer: new RedisLayer(client, config.rateLimit.redisTimeoutMs), ttlSeconds: ttl });
  return new LayeredCache(layers);
}
