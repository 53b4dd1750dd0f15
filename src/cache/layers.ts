import type { Redis } from '@upstash/redis';
import type { Clock } from '../util/clock';
import { withTimeout } from '../util/deadlines';

/** One cache layer, as text values with a TTL. A layer that fails throws; the caller degrades. */
export interface CacheLayer {
  readonly name: 'memory' | 'redis' | 'kv';
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/** L1: the isolate's memory, LRU-bounded in bytes, with per-entry expiry. */
export class MemoryLayer implements CacheLayer {
  readonly name = 'memory';
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private bytes = 0;

  constructor(
    private readonly clock: Clock,
    private readonly maxBytes = 8 * 1024 * 1024,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    if (e.expiresAt <= this.clock.now()) {
      this.bytes -= e.value.length;
      return undefined;
    }
    this.entries.set(key, e); // most recently used last
    return e.value;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    if (ttlSeconds <= 0 || value.length > this.maxBytes / 4) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.value.length;
      this.entries.delete(key);
    }
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlSeconds * 1000 });
    this.bytes += value.length;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.value.length;
    }
  }

  async delete(key: string): Promise<void> {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.bytes -= e.value.length;
  }
}

/** L2: Upstash Redis, with a deadline on every call (a slow Redis is a miss, not a wait). */
export class RedisLayer implements CacheLayer {
  readonly name = 'redis';

  constructor(
    private readonly redis: Pick<Redis, 'get' | 'set' | 'del'>,
    private readonly timeoutMs: number,
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await withTimeout(this.redis.get<string>(key), this.timeoutMs)) ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    if (ttlSeconds > 0) await withTimeout(this.redis.set(key, value, { ex: ttlSeconds }), this.timeoutMs * 5);
  }

  async delete(key: string): Promise<void> {
    await withTimeout(this.redis.del(key), this.timeoutMs * 5);
  }
}

/** L3: Workers KV. KV allows one write per key per second and TTLs of at least 60 s. */
export class KvLayer implements CacheLayer {
  readonly name = 'kv';
  private readonly lastWrite = new Map<string, number>();

  constructor(
    private readonly kv: Pick<KVNamespace, 'get' | 'put' | 'delete'>,
    private readonly clock: Clock,
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await withTimeout(this.kv.get(key, 'text'), 1000)) ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    const now = this.clock.now();
    if ((this.lastWrite.get(key) ?? -Infinity) > now - 1000) return;
    this.lastWrite.set(key, now);
    if (this.lastWrite.size > 10_000) this.lastWrite.delete(this.lastWrite.keys().next().value as string);
    await this.kv.put(key, value, { expirationTtl: Math.max(60, ttlSeconds) });
  }

  async delete(key: string): Promise<void> {
    await withTimeout(this.kv.delete(key), 1000);
  }
}
