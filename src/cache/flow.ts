import type { ChatRequest } from '../chat-request';
import type { Config, TenantConfig } from '../config';
import type { Env } from '../env';
import type { FanoutResult } from '../fanout/fanout';
import type { Trace } from '../telemetry/trace';
import { isComplete, type CachedAnswer } from './answer';
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
  private leader?: Promise<string | undefined>;

  constructor(private readonly d: CacheDeps) {
    this.policy = cachePolicy(d.chat, d.tenant.cache);
  }

  /**
   * The cached answer for this request, if any layer has it — or, with `wait`, an identical
   * request in flight. Without `wait` (a stream about to open) the leader is remembered for
   * `awaitLeader`, called once the stream is open, so waiting never holds back its first bytes.
   */
  async lookup(fanout?: FanoutResult, { wait = true } = {}): Promise<CachedAnswer | undefined> {
    if (!this.policy.read && !this.policy.write) return undefined;
    const end = this.d.trace.span('cache');
    this.cache = layeredCache(this.d.env, this.d.config);
    this.key = await cacheKey(keyParts(this.d, fanout));
    this.status = 'miss';
    try {
      if (this.policy.read) {
        const hit = await this.cache.get(this.key);
        if (hit) {
          this.d.waitUntil(hit.backfill);
          return this.hit(hit.value, `hit-${hit.layer}`);
        }
        const leader = singleFlight.join(this.key);
        if (leader && !wait) {
          this.leader = leader;
          return undefined;
        }
        if (leader) return await this.awaitLeader(leader);
      }
      if (this.policy.write) this.settle = singleFlight.lead(this.key);
      return undefined;
    } finally {
      if (this.cache.failures.length) this.d.trace.set('cache_degraded', this.cache.failures.join(','));
      end({ status: this.status });
      this.d.trace.set('cache', this.status);
    }
  }

  /** The answer of the identical request in flight, if `lookup` found one (bounded by totalMs). */
  async awaitLeader(leader = this.leader): Promise<CachedAnswer | undefined> {
    this.leader = undefined;
    if (!leader) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), this.d.config.budgets.totalMs)));
    const answer = await Promise.race([leader, late]);
    if (timer !== undefined) clearTimeout(timer);
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
      const answer = JSON.parse(value) as CachedAnswer;
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
      ? { ids: retrieval?.context.chunks.map((c) => c.id) ?? [], indexVersion: retrieval?.indexVersion, embeddingModel: retrieval?.embeddingModel }
      : undefined,
    tools: fanout?.tools.length ? fanout.tools : undefined,
  };
}

