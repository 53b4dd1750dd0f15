import type { CachedAnswer } from '../cache/answer';
import type { CacheStatus } from '../cache/flow';
import type { Outcome } from '../contracts/contract';
import { sourcesOf } from '../fanout/augment';
import type { FanoutResult } from '../fanout/fanout';
import type { PromptMeta } from '../prompts/prepare';
import type { Candidate } from '../providers/failover';
import type { ChatChunk } from '../stream/types';
import type { Trace } from '../telemetry/trace';

/** The provider's answer, complete: who served it, what it cost, the answer as one object. */
export interface Done {
  served: Candidate;
  cost: number;
  fanout?: FanoutResult;
  prompt?: PromptMeta;
  /** The `chat.completion` body (usage included), when the sink asked for it or the cache needed it. */
  assembled?: Record<string, unknown>;
  /** The output contract's outcome, when the request set one. */
  contract?: { outcome: Outcome; repairs: string[] };
  /** The cascade escalated: the small model that failed first, and why. */
  cascade?: { from: string; reason: string };
}

/**
 * One response shape of the answer path (`answer.ts`): JSON, Chat Completions SSE, or the AI SDK's
 * UI-message stream. The path calls these in order — `sources` (streams may send them at once),
 * `cacheStatus`, `prompt`, `chunk`… with `flush` after each network read, then `end`; or `replay`
 * for a cached answer. A failure is thrown, never passed in: the route turns it into the shape's
 * error (a JSON error response, or a stream's final error event).
 */
export interface AnswerSink {
  /** Wants the whole answer assembled (a JSON body); otherwise it is assembled only for the cache. */
  readonly assembles: boolean;
  /** Sends each chunk on as it arrives (a stream), so the upstream is read chunk by chunk for it. */
  readonly live: boolean;
  /** Retrieval settled (tools may still be running). */
  sources(fanout: FanoutResult): void;
  /** The cache's outcome, once known after the fan-out (or after a stream opened). */
  cacheStatus(status: CacheStatus): void;
  /** The fan-out is done and the prompt built: degraded stages and the prompt's identity. */
  prompt(fanout: FanoutResult | undefined, prompt: PromptMeta | undefined): void;
  chunk(chunk: ChatChunk): void;
  flush(): void;
  /** A cached answer, in place of the provider's, at zero cost. */
  replay(hit: CachedAnswer, fanout: FanoutResult | undefined): void;
  end(done: Done): void;
}

/** Who answered and what it cost: on a JSON body, a stream's usage chunk, the UI message's metadata. */
export function servedMeta(trace: Trace, done: Done): Record<string, unknown> {
  const meta: Record<string, unknown> = { request_id: trace.requestId, cost_usd: done.cost, model: done.served.model.id, endpoint: done.served.endpoint.id };
  if (trace.fields.usage_estimated) meta.usage_estimated = true;
  if (done.contract) meta.contract = done.contract;
  if (done.cascade) meta.cascade = done.cascade;
  return meta;
}

/**
 * Metadata of a cached answer: served at no provider cost — only the lookup's own (a semantic
 * hit's embedding) — with a semantic hit's similarity as `cache_similarity`.
 */
export function replayMeta(trace: Trace, cache: { status: CacheStatus; costUsd: number; similarity?: number }, hit: CachedAnswer): Record<string, unknown> {
  trace.set('cost_usd', cache.costUsd);
  const meta: Record<string, unknown> = { request_id: trace.requestId, cache: cache.status, cost_usd: cache.costUsd, model: hit.model };
  if (cache.similarity !== undefined) meta.cache_similarity = cache.similarity;
  return meta;
}

/** Gateway metadata about the fan-out: sources in citation order and the stages skipped. */
export function fanoutMeta(fanout: FanoutResult | undefined): Record<string, unknown> {
  if (!fanout) return {};
  return { sources: sourcesOf(fanout), degraded: fanout.degraded };
}
