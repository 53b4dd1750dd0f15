import type { Budgets, RetrievalConfig, ToolsConfig } from '../config';
import type { GatewayError } from '../errors';
import type { OpenSpan, Trace } from '../telemetry/trace';
import { packContext, type Chunk, type PackedContext } from './context-pack';
import { requiredStageFailed } from './errors';
import { postOrigin, rerankResponse, retrieveResponse, toolResponse, type RetrieveResponse } from './origin';
import { cachedRetrieval, retrievalKey, type RetrievalCache } from './retrieval-cache';
import { shadowRetrieval, type ShadowDeps } from './shadow';
import { sha256Hex } from '../util/sha256';
import { runStage, type StageFailure } from './stage';

/** What the request asked the fan-out for, already defaulted. */
export interface FanoutPlan {
  retrieval?: { query: string; topK: number; filters?: Record<string, unknown>; maxContextTokens: number };
  tools: Array<{ name: string; arguments: Record<string, unknown> }>;
}

export interface FanoutDeps {
  originUrl: string;
  tenantId: string;
  budgets: Budgets;
  retrieval: RetrievalConfig;
  tools: ToolsConfig;
  trace: Trace;
  /** The request's signal: client gone or total deadline. */
  signal: AbortSignal;
  /** The tenant opted in to request content in its logs (`tenants[].logContent`). */
  logContent: boolean;
  /** Where retrieval results are cached, when they may be. */
  retrievalCache?: RetrievalCache;
  /** The tenant's live index version, sent with every retrieval. */
  indexVersion?: string;
  /** The tenant's shadow index, sampled off the response's path (`shadow.ts`). */
  shadow?: ShadowDeps['shadow'];
  background?(p: Promise<unknown>): void;
}

export interface RetrievalResult {
  context: PackedContext;
  indexVersion?: string;
  embeddingModel?: string;
}

export type ToolResult = { name: string; ok: true; result: unknown } | { name: string; ok: false; failure: StageFailure };

export interface FanoutResult {
  /** Set when retrieval was asked for: the packed context, or undefined when it failed. */
  retrieval?: RetrievalResult;
  retrievalAsked: boolean;
  tools: ToolResult[];
  /** Stages skipped or degraded, e.g. `rerank:timeout`, `retrieval:error`, `tool:search:timeout`. */
  degraded: string[];
}

/**
 * Runs retrieval (then rerank, when configured) and every tool at once, each under its own
 * deadline, and settles when all have: the provider call that follows waits for max(stages), never
 * their sum. A failing stage degrades the answer — unless config marks it required, which fails
 * the request at once and cancels the other stages. `onRetrieval` fires as soon as retrieval has
 * settled, before the tools, so a stream can show its sources early. Traced as a `fanout` span
 * with a `retrieval` (and `rerank`) span and an `execute_tool {name}` span per tool under it.
 */
export function runFanout(plan: FanoutPlan, deps: FanoutDeps, onRetrieval?: (r: FanoutResult) => void): Promise<FanoutResult> {
  return deps.trace.run('fanout', async (span) => {
    const result = await fanout(plan, deps, span, onRetrieval);
    if (result.degraded.length) span.set({ degraded: result.degraded.join(',') });
    return result;
  });
}

async function fanout(plan: FanoutPlan, deps: FanoutDeps, parent: OpenSpan, onRetrieval?: (r: FanoutResult) => void): Promise<FanoutResult> {
  const result: FanoutResult = { retrievalAsked: !!plan.retrieval, tools: [], degraded: [] };
  const cancel = new AbortController();
  const signal = AbortSignal.any([deps.signal, cancel.signal]);
  let fatal: GatewayError | undefined;
  const fail = (err: GatewayError) => {
    fatal ??= err;
    cancel.abort(err);
  };

  const retrieval = plan.retrieval
    ? retrieve(plan.retrieval, deps, parent, signal, result.degraded).then((r) => {
        if (r.ok) result.retrieval = r.value;
        else if (deps.retrieval.required) fail(requiredStageFailed('retrieval', r.failure, r.detail));
        if (!fatal) onRetrieval?.(result);
      })
    : undefined;
  const tools = plan.tools.map((tool) =>
    runStage(toolSpan(deps.trace, parent, tool.name), deps.budgets.toolsMs, signal, (s, traceparent) =>
      postOrigin(deps.originUrl, `/tools/${encodeURIComponent(tool.name)}`, { tenant: deps.tenantId, arguments: tool.arguments }, toolResponse, s, traceparent),
    ).then((r): ToolResult => {
      if (r.ok) return { name: tool.name, ok: true, result: r.value.result };
      if (deps.tools.required.includes(tool.name)) fail(requiredStageFailed(`tool:${tool.name}`, r.failure, r.detail));
      result.degraded.push(`tool:${tool.name}:${r.failure}`);
      return { name: tool.name, ok: false, failure: r.failure };
    }),
  );

  const [, toolResults] = await Promise.all([retrieval, Promise.all(tools)]);
  if (fatal) throw fatal;
  result.tools = toolResults;
  deps.trace.set('degraded', result.degraded.join(',') || undefined);
  return result;
}

/** A tool call's span, as the GenAI conventions name it: `execute_tool {gen_ai.tool.name}`. */
function toolSpan(trace: Trace, parent: OpenSpan, name: string): OpenSpan {
  const span = trace.span(`execute_tool ${name}`, { parent });
  span.set({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': name });
  return span;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; failure: StageFailure; detail: string };

/** Retrieval, then rerank (skipped on failure: retrieval order stands), then packing by budget. */
async function retrieve(
  plan: NonNullable<FanoutPlan['retrieval']>,
  deps: FanoutDeps,
  parent: OpenSpan,
  signal: AbortSignal,
  degraded: string[],
): Promise<Outcome<RetrievalResult>> {
  const { trace, budgets, originUrl } = deps;
  const body = { tenant: deps.tenantId, query: plan.query, topK: plan.topK, filters: plan.filters ?? {}, ...(deps.indexVersion ? { indexVersion: deps.indexVersion } : {}) };
  const rc = deps.retrievalCache;
  const key = rc && (await retrievalKey(deps.tenantId, plan.query, plan.topK, plan.filters, deps.indexVersion));
  const cached = rc && key ? await cachedRetrieval(rc, key) : undefined;
  trace.set('retrieval_cache', cached ? `hit-${cached.layer}` : rc ? 'miss' : undefined);
  const found = cached
    ? { ok: true as const, value: cached.value }
    : await runStage(trace.span('retrieval', { parent }), budgets.retrievalMs, signal, (s, traceparent) =>
        postOrigin(originUrl, '/retrieve', body, retrieveResponse, s, traceparent),
      );
  if (found.ok && !cached && rc && key) rc.waitUntil(rc.cache.set(key, JSON.stringify(found.value)));
  if (found.ok && !cached && deps.shadow && deps.background) {
    shadowRetrieval({ ...deps, shadow: deps.shadow, background: deps.background }, body, found.value);
  }
  await recordQuery(trace, plan, deps.logContent);
  if (!found.ok) {
    degraded.push(`retrieval:${found.failure}`);
    return found;
  }
  // Half an index re-embedded with another model ranks apples against oranges: flagged, counted.
  if (new Set(found.value.chunks.map((c) => c.embeddingModel).filter(Boolean)).size > 1) {
    degraded.push('retrieval:mixed_embeddings');
    trace.set('embedding_mixed', true);
  }
  let chunks: Chunk[] = found.value.chunks;
  if (deps.retrieval.rerank && chunks.length > 1) {
    const reranked = await runStage(trace.span('rerank', { parent }), budgets.rerankMs, signal, (s, traceparent) =>
      postOrigin(originUrl, '/rerank', { query: plan.query, chunks }, rerankResponse, s, traceparent),
    );
    if (reranked.ok) chunks = reranked.value.chunks;
    else degraded.push(`rerank:${reranked.failure}`);
  }
  const context = packContext(chunks, plan.maxContextTokens);
  recordRetrieval(trace, found.value, context);
  // The version asked for, when the origin does not echo one: the answer cache key must change on a flip.
  return { ok: true, value: { context, indexVersion: found.value.indexVersion ?? deps.indexVersion, embeddingModel: found.value.chunks[0]?.embeddingModel } };
}

/**
 * The query in the log: it is user content (by default the user's last message), so only its
 * length and a short hash — enough to see repeats — unless the tenant opted in (design §5).
 */
async function recordQuery(trace: Trace, plan: NonNullable<FanoutPlan['retrieval']>, logContent: boolean): Promise<void> {
  if (logContent) {
    trace.set('retrieval_query', plan.query.slice(0, 200));
    if (plan.filters) trace.set('retrieval_filters', JSON.stringify(plan.filters).slice(0, 200));
    return;
  }
  trace.set('retrieval_query_chars', plan.query.length);
  trace.set('retrieval_query_hash', (await sha256Hex(plan.query)).slice(0, 12));
}

/** Retrieval truth in the trace: what came back, what went into the context, from which index. */
function recordRetrieval(trace: Trace, found: RetrieveResponse, context: PackedContext): void {
  trace.set('retrieval_top_ids', found.chunks.map((c) => c.id).join(','));
  trace.set('retrieval_scores', found.chunks.map((c) => c.score.toFixed(3)).join(','));
  trace.set('context_ids', context.chunks.map((c) => c.id).join(','));
  trace.set('context_tokens', context.tokens);
  trace.set('context_cut', context.cut);
  trace.set('context_duplicates', context.duplicates);
  trace.set('index_version', found.indexVersion);
  trace.set('embedding_model', found.chunks[0]?.embeddingModel);
}
