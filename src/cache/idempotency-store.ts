import type { Redis } from '@upstash/redis';
import type { Clock } from '../util/clock';
import { withTimeout } from '../util/deadlines';

/** What an idempotency key remembers: the request's fingerprint, and its response once final. */
export interface IdempotencyRecord {
  fingerprint: string;
  state: 'running' | 'done';
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

/** Where idempotency records live: Redis (shared by every isolate) or this isolate's memory. */
export interface IdempotencyStore {
  /** Records `running` for the key unless it exists; returns the existing record if it does. */
  claim(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<IdempotencyRecord | undefined>;
  complete(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<void>;
  release(key: string): Promise<void>;
}

export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: Pick<Redis, 'set' | 'get' | 'del'>,
    private readonly timeoutMs: number,
  ) {}

  async claim(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<IdempotencyRecord | undefined> {
    // SET NX: exactly one request wins the key, across every isolate.
    if ((await withTimeout(this.redis.set(key, JSON.stringify(record), { nx: true, ex: ttlSeconds }), this.timeoutMs)) !== null) return undefined;
    const existing = await withTimeout(this.redis.get<string>(key), this.timeoutMs);
    // Gone between the two calls (expired or released): treat as claimed by a racing request.
    return existing ? (JSON.parse(existing) as IdempotencyRecord) : { ...record, state: 'running' };
  }

  async complete(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<void> {
    await withTimeout(this.redis.set(key, JSON.stringify(record), { ex: ttlSeconds }), this.timeoutMs * 5);
  }

  async release(key: string): Promise<void> {
    await withTimeout(this.redis.del(key), this.timeoutMs * 5);
  }
}

export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, { record: IdempotencyRecord; expiresAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly maxKeys = 10_000,
  ) {}

  async claim(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<IdempotencyRecord | undefined> {
    const existing = this.records.get(key);
    if (existing && existing.expiresAt > this.clock.now()) return existing.record;
    await this.complete(key, record, ttlSeconds);
    return undefined;
  }

  async complete(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<void> {
    this.records.delete(key);
    this.records.set(key, { record, expiresAt: this.clock.now() + ttlSeconds * 1000 });
    if (this.records.size > this.maxKeys) this.records.delete(this.records.keys().next().value as string);
  }

  async release(key: string): Promise<void> {
    this.records.delete(key);
  }
}
