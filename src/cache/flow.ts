import type { ChatRequest } from '../chat-request';
import type { Config, TenantConfig } from '../config';
import type { Env } from '../env';
import type { FanoutResult } from '../fanout/fanout';
import type { OpenSpan, Trace } from '../telemetry/trace';
import { deadlineExceeded, toGatewayError } from '../errors';
import { abortable, withTimeout } from '../util/deadlines';
import { isCachedAnswer, isComplete, isFinished, type CachedAnswer } from './answer';
import type { CacheState } from './isolate';
import { cacheKey, cachePolicy, semanticQuery, type KeyParts } from './key';
import type { LayeredCache } from './layered';
import type { SemanticCache } from './semantic/semantic';
import type { FlightOutcome, Lead } from './single-flight';

export type CacheStatus = 'hit-memory' | 'hit-redis' | 'hit-kv' | 'hit-semantic' | 'miss' | 'bypass';

export interface CacheDeps {
  env: Env;
  config: Config;
  tenant: TenantConfig;
  chat: ChatRequest;
  model: string;
  prompt?: { id: string; version: string; preamble: string };
  trace: Trace;
  /** The isolate's layers and single-flight table. */
  state: CacheState;
  /**
   * The tenant's semantic tier, when it opted in: asked after the exact layers missed, before
   * following or leading a flight. Built with the exact layers' reader (`read`).
   */
  semantic?: (read: (key: string) => Promise<CachedAnswer | undefined>) => SemanticCache | undefined;
  waitUntil(p: Promise<unknown>): void;
}

/** What the work that answers a request hands back to `CacheFlow.produce`. */
export interface Produced<T> {
  result: T;
  /** The answer as the cache keeps it, for identical requests waiting on this one (and the store). */
  answer?: () => CachedAnswer;
  /** The answer may be stored, not only shared: not a fallback's, no fan-out stage missing. */
  storable: boolean;
}

/**
 * One request's way through the cache: look up (after the fan-out, when there is one, so the key
 * holds the retrieval fingerprint), follow an identical request already in flight, or lead — and
 * then `produce` the answer, which ends the flight it leads exactly once and stores the answer
 * (complete answers only, written off the response path).
 */
export class CacheFlow {
  status: CacheStatus = 'bypass';
  /** What the lookup itself cost (the semantic tier's embedding): part of the request's cost, hit or miss. */
  costUsd = 0;
  /** A semantic hit's cosine similarity to the prompt whose answer it replays. */
  similarity?: number;
  private readonly policy: { read: boolean; write: boolean };
  private cache?: LayeredCache;
  private key?: string;
  /** Set when this request leads the flight for its key; `produce` ends it. */
  private lead?: Lead<CachedAnswer>;
  private deferred = false;
  private parts?: KeyParts;
  /** A semantic miss's way to store this prompt's vector once its answer is stored. */
  private remember?: (key: string) => Promise<void>;

  constructor(private readonly d: CacheDeps) {
    this.policy = cachePolicy(d.chat, d.tenant.cache);
  }

  /**
   * The cached answer for this request, if a layer has it, or an identical request in flight.
   * With `fast` (a stream about to open) only memory is read now; `resume`, called once the
   * stream is open, reads the slower layers and waits for a leader, so neither ever holds back
   * the stream's first bytes. Throws the error of a leader that failed while this one waited.
   * `signal`: this request's client leaving, which ends the wait.
   */
  async lookup(fanout?: FanoutResult, { fast = false, signal }: { fast?: boolean; signal?: AbortSignal } = {}): Promise<CachedAnswer | undefined> {
    if (!this.policy.read && !this.policy.write) return undefined;
    this.cache = this.d.state.layers(this.d.env, this.d.config);
    this.parts = keyParts(this.d, fanout);
    this.key = await cacheKey(this.parts);
    // Kept on the trace (not in its log fields): a task marked failed evicts its answers.
    this.d.trace.cacheKey = this.key;
    this.status = 'miss';
    if (fast) {
      this.deferred = true;
      return this.search(0, 1, false);
    }
    return this.search(0, Infinity, true, signal);
  }

  /** The rest of a `fast` lookup: slower layers, then a leader in flight, else lead. */
  async resume(signal?: AbortSignal): Promise<CachedAnswer | undefined> {
    if (!this.deferred) return undefined;
    this.deferred = false;
    return this.search(1, Infinity, true, signal);
  }

  private async search(from: number, to: number, last: boolean, signal?: AbortSignal): Promise<CachedAnswer | undefined> {
    const { trace } = this.d;
    const end = trace.span('cache');
    const cache = this.cache!;
    const key = this.key!;
    try {
      if (this.policy.read) {
        // A span per layer read, under this lookup's: `cache memory`, `cache redis`, `cache kv`.
        const hit = await cache.get(key, from, to, (layer) => {
          const span = trace.span(`cache ${layer}`, { parent: end });
          return (outcome) => (outcome === 'error' ? span.fail('read failed') : span({ outcome }));
        });
        if (hit) {
          this.d.waitUntil(hit.backfill);
          const answer = parseCached(hit.value);
          if (answer) {
            this.status = `hit-${hit.layer}`;
            return answer;
          }
        }
        if (!last) return undefined;
        const similar = await this.semantic(end, signal);
        return similar ?? (await this.fly(key, signal));
      }
      // A `refresh` (writes, does not read) leads only when no flight is under way: it must not
      // take one over, nor wait on one.
      if (last && this.policy.write) {
        const seat = this.d.state.singleFlight.enter(key);
        if (seat.role === 'leader') this.lead = seat.lead;
      }
      return undefined;
    } finally {
      if (cache.failures.length) this.d.trace.set('cache_degraded', cache.failures.join(','));
      end({ status: this.status });
      this.d.trace.set('cache', this.status);
    }
  }

  /** The semantic tier, after every exact layer missed: a hit, or undefined (a miss, a timeout, a failure). */
  private async semantic(parent: OpenSpan, signal?: AbortSignal): Promise<CachedAnswer | undefined> {
    const cache = this.cache!;
    const semantic = this.d.semantic?.(async (key) => {
      const hit = await cache.get(key);
      if (hit) this.d.waitUntil(hit.backfill);
      return hit && parseCached(hit.value);
    });
    const query = semantic && this.parts && (await semanticQuery(this.parts));
    if (!semantic || !query) return undefined;
    const outcome = await semantic.lookup(query, signal ?? new AbortController().signal, parent);
    this.costUsd += outcome.costUsd;
    if (!outcome.hit) {
      this.remember = outcome.remember;
      return undefined;
    }
    this.status = 'hit-semantic';
    this.similarity = outcome.similarity;
    return outcome.answer;
  }

  /**
   * Follows an identical request in flight — replaying its answer, or answering with its error —
   * or leads. When a leader abandons its flight, the first follower to wake leads the next one
   * and the others follow that: one upstream call at a time, never one per follower (issue #9).
   */
  private async fly(key: string, signal?: AbortSignal): Promise<CachedAnswer | undefined> {
    for (;;) {
      const seat = this.d.state.singleFlight.enter(key);
      if (seat.role === 'leader') {
        this.lead = seat.lead;
        return undefined;
      }
      const outcome = await this.awaitLeader(seat.outcome, signal);
      if (outcome.kind === 'abandoned') continue;
      this.d.trace.set('cache_coalesced', true);
      if (outcome.kind === 'error') throw outcome.error;
      this.status = 'hit-memory';
      return outcome.answer;
    }
  }

  /** A leader's outcome, waited for no longer than this request's own deadline or its client. */
  private awaitLeader(outcome: Promise<FlightOutcome<CachedAnswer>>, signal?: AbortSignal): Promise<FlightOutcome<CachedAnswer>> {
    const { totalMs } = this.d.config.budgets;
    const waited = withTimeout(outcome, totalMs - this.d.trace.elapsed(), () => deadlineExceeded(totalMs));
    return signal ? abortable(waited, signal) : waited;
  }

  /**
   * Runs the work that answers this request (after a lookup that found nothing) and ends the
   * flight it leads with the outcome — exactly once, whatever happens. A finished answer is
   * shared with the followers (and stored when storable and complete); a failure is shared, so
   * they answer with it instead of each retrying; a leader whose client left (its upstream call
   * cancelled) or that has no finished answer hands the flight over to one follower.
   * `signal`: this request's client leaving.
   */
  async produce<T>(signal: AbortSignal, work: () => Promise<Produced<T>>): Promise<T> {
    const lead = this.lead;
    this.lead = undefined;
    let outcome: FlightOutcome<CachedAnswer> = { kind: 'abandoned' };
    try {
      const { result, answer: assembled, storable } = await work();
      // Assembled only for someone: followers, or the store.
      const answer = !signal.aborted && (lead || (storable && this.policy.write)) ? assembled?.() : undefined;
      if (answer && isFinished(answer)) {
        outcome = { kind: 'answer', answer };
        if (storable && isComplete(answer)) this.store(answer);
      }
      return result;
    } catch (err) {
      if (!signal.aborted) outcome = { kind: 'error', error: toGatewayError(err) };
      throw err;
    } finally {
      lead?.land(outcome);
    }
  }

  /** Written off the response's path; the `cache_write` span outlives the response, and the export waits for it. */
  private store(answer: CachedAnswer): void {
    if (!this.key || !this.cache || !this.policy.write) return;
    const span = this.d.trace.span('cache_write');
    const write = this.cache.set(this.key, JSON.stringify(answer)).finally(() => span());
    this.d.trace.background.push(write);
    this.d.waitUntil(write);
    // The prompt's vector points at the answer just written: stored after it, off the response's path.
    if (this.remember) this.d.waitUntil(write.then(() => this.remember?.(this.key!)));
  }
}

/** A stored entry, or undefined when it is unreadable or of another shape (a miss). */
function parseCached(value: string): CachedAnswer | undefined {
  try {
    const answer: unknown = JSON.parse(value);
    return isCachedAnswer(answer) ? answer : undefined; // another shape or version: a miss
  } catch {
    return undefined;
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

