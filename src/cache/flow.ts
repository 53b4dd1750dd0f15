import type { ChatRequest } from '../chat-request';
import type { Config, TenantConfig } from '../config';
import type { Env } from '../env';
import type { FanoutResult } from '../fanout/fanout';
import type { Trace } from '../telemetry/trace';
import { withTimeout } from '../util/deadlines';
import { isCachedAnswer, isComplete, type CachedAnswer } from './answer';
import { layeredCache, singleFlight } from './isolate';
import { cacheKey, cachePolicy, type KeyParts } from './key';
import type { LayeredCache } from './layered';

export type CacheStatus = 'hit-memory' | 'hit-redis' | 'hit-kv' | 'miss' | 'bypass';

export interface CacheDeps {
  env: Env;
  config: Config;
  tenant: TenantConfig;
  chat: ChatRequest;
  model: string;
  prompt?: { id: string; version: string; preamble: string };
  trace: Trace;
  waitUntil(p: Promise<unknown>): void;
}

/**
 * One request's way through the cache: look up (after the fan-out, when there is one, so the key
 * holds the retrieval fingerprint), join an identical request already in flight, or lead and
 * store the answer — complete answers only, written off the response path.
 */
export class CacheFlow {
  status: CacheStatus = 'bypass';
  private readonly policy: { read: boolean; write: boolean };
  private cache?: LayeredCache;
  private key?: string;
  private settle?: (answer: string | undefined) => void;
  private deferred = false;

  constructor(private readonly d: CacheDeps) {
    this.policy = cachePolicy(d.chat, d.tenant.cache);
  }

  /**
   * The cached answer for this request, if a layer has it, or an identical request in flight.
   * With `fast` (a stream about to open) only memory is read now; `resume`, called once the
   * stream is open, reads the slower layers and waits for a leader, so neither ever holds back
   * the stream's first bytes.
   */
  async lookup(fanout?: FanoutResult, { fast = false } = {}): Promise<CachedAnswer | undefined> {
    if (!this.policy.read && !this.policy.write) return undefined;
    this.cache = layeredCache(this.d.env, this.d.config);
    this.key = await cacheKey(keyParts(this.d, fanout));
    this.status = 'miss';
    if (fast) {
      this.deferred = true;
      return this.search(0, 1, false);
    }
    return this.search(0, Infinity, true);
  }

  /** The rest of a `fast` lookup: slower layers, then a leader in flight, else lead. */
  async resume(): Promise<CachedAnswer | undefined> {
    if (!this.deferred) return undefined;
    this.deferred = false;
    return this.search(1, Infinity, true);
  }

  private async search(from: number, to: number, last: boolean): Promise<CachedAnswer | undefined> {
    const end = this.d.trace.span('cache');
    const cache = this.cache!;
    const key = this.key!;
    try {
      if (this.policy.read) {
        const hit = await cache.get(key, from, to);
        if (hit) {
          this.d.waitUntil(hit.backfill);
          const answer = this.hit(hit.value, `hit-${hit.layer}`);
          if (answer) return answer;
        }
        if (!last) return undefined;
        const leader = singleFlight.join(key);
        if (leader) {
          const answer = await this.awaitLeader(leader);
          if (answer) return answer;
        }
      }
      // Only a request that reads may lead: a `refresh` must not take over a flight in progress.
      if (last && this.policy.write && (this.policy.read || !singleFlight.join(key))) this.settle = singleFlight.lead(key);
      return undefined;
    } finally {
      if (cache.failures.length) this.d.trace.set('cache_degraded', cache.failures.join(','));
      end({ status: this.status });
      this.d.trace.set('cache', this.status);
    }
  }

  /** The answer of an identical request in flight (bounded by totalMs). */
  private async awaitLeader(leader: Promise<string | undefined>): Promise<CachedAnswer | undefined> {
    const answer = await withTimeout(leader, this.d.config.budgets.totalMs).catch(() => undefined);
    return answer ? this.hit(answer, 'hit-memory', true) : undefined;
  }

  /** The leader's outcome: stored when complete; followers get it either way (undefined = do it yourself). */
  complete(answer: CachedAnswer | undefined): void {
    const text = answer && isComplete(answer) ? JSON.stringify(answer) : undefined;
    this.settle?.(text);
    this.settle = undefined;
    if (text && this.key && this.cache && this.policy.write) this.d.waitUntil(this.cache.set(this.key, text));
  }

  private hit(value: string, status: CacheStatus, coalesced = false): CachedAnswer | undefined {
    try {
      const answer: unknown = JSON.parse(value);
      if (!isCachedAnswer(answer)) return undefined; // another shape or version: a miss
      this.status = status;
      if (coalesced) this.d.trace.set('cache_coalesced', true);
      return answer;
    } catch {
      return undefined; // an unreadable entry is a miss
    }
  }
}

function keyParts(d: CacheDeps, fanout: FanoutResult | undefined): KeyParts {
  const retrieval = fanout?.retrieval;
  return {
    tenantId: d.tenant.id,
    model: d.model,
    chat: d.chat,
    prompt: d.prompt,
    retrieval: fanout?.retrievalAsked
      ? { ids: retrieval?.context.chunks.map((c) => c.id) ?? [], indexVersion: retrieval?.indexVersion, embeddingModel: retrieval?.embeddingModel, failed: !retrieval }
      : undefined,
    tools: fanout?.tools.length ? fanout.tools : undefined,
  };
}

