import type { Context } from 'hono';
import type { ChatRequest } from '../chat-request';
import { errorBody, logInternalError, toGatewayError } from '../errors';
import { replayChunks, replayJson, toCached, type CachedAnswer } from '../cache/answer';
import { CacheFlow, type Produced } from '../cache/flow';
import { retrievalCacheLayers } from '../cache/isolate';
import { sourcesOf } from '../fanout/augment';
import { runFanout, type FanoutPlan, type FanoutResult } from '../fanout/fanout';
import { planFanout } from '../fanout/plan';
import type { AppEnv } from '../pipeline/context';
import { planPrompt, providerRequest, type PromptMeta, type PromptPlan } from '../prompts/prepare';
import type { CompletionCall, CompletionSink } from '../providers/complete';
import { completeWithFailover, type Candidate } from '../providers/failover';
import { resilienceFor } from '../providers/resilience-state';
import { fitToModel } from '../routing/limits';
import { resolveModel, type ResolvedModel } from '../routing/resolve-model';
import { CompletionAssembler } from '../stream/assemble';
import { earlySse, type SseWriter } from '../stream/early-sse';
import { Reframer } from '../stream/reframe';
import { costUsd, estimateUsage } from '../telemetry/cost';
import type { Trace } from '../telemetry/trace';

/** Everything decided before the answer starts: a bad request fails here with its real status. */
interface Answer {
  chat: ChatRequest;
  resolved: ResolvedModel;
  call: Omit<CompletionCall, 'signal' | 'body' | 'target'>;
  fanout?: FanoutPlan;
  prompt?: PromptPlan;
  reframer: Reframer;
  headers: Record<string, string>;
  cache: CacheFlow;
}

/**
 * POST /v1/chat/completions: route, then — streamed from the first millisecond or as one JSON —
 * fan out to retrieval and tools in parallel, build the prompt, call the provider.
 */
export async function chatCompletions(c: Context<AppEnv>): Promise<Response> {
  const { catalog, tenant, chat, trace } = c.var;
  const resolved = resolveModel(catalog, tenant, chat.model, chat);
  fitToModel(chat, resolved.model, resolved.reason === 'requested');
  const fanout = planFanout(chat, catalog.config);
  const prompt = planPrompt(chat, !!fanout);
  trace.set('model', resolved.model.id);
  trace.set('tier', resolved.tier);
  trace.set('route_reason', resolved.reason);
  trace.set('stream', !!chat.stream);
  const answer: Answer = {
    chat,
    resolved,
    call: { budgets: catalog.config.budgets, trace },
    fanout,
    prompt,
    reframer: new Reframer(`chatcmpl-${trace.requestId.slice(4)}`, Math.floor(Date.now() / 1000), resolved.model.id),
    headers: { 'x-gateway-model': resolved.model.id, 'x-gateway-tier': resolved.tier },
    cache: new CacheFlow({
      env: c.env,
      config: catalog.config,
      tenant,
      chat,
      model: resolved.model.id,
      prompt,
      trace,
      waitUntil: (p) => c.executionCtx.waitUntil(p),
    }),
  };
  // Without a fan-out the key is known now: a hit is answered before any stream opens.
  if (!fanout) {
    const hit = await answer.cache.lookup(undefined, { fast: !!chat.stream, signal: c.req.raw.signal });
    // A stream's header can only tell a memory hit (or bypass); other outcomes ride on its metadata.
    if (!chat.stream || answer.cache.status !== 'miss') answer.headers['x-gateway-cache'] = answer.cache.status;
    if (hit) return chat.stream ? streamAnswer(c, answer, hit) : c.json(replayBody(answer, hit), 200, answer.headers);
  }
  return chat.stream ? streamAnswer(c, answer) : jsonAnswer(c, answer);
}

async function jsonAnswer(c: Context<AppEnv>, a: Answer): Promise<Response> {
  const { trace } = a.call;
  const signal = c.req.raw.signal;
  const fanout = a.fanout && (await runFanout(a.fanout, fanoutDeps(c, signal)));
  const headers: Record<string, string> = { ...a.headers };
  if (fanout?.degraded.length) headers['x-gateway-degraded'] = fanout.degraded.join(',');
  if (fanout) {
    const hit = await a.cache.lookup(fanout, { signal });
    headers['x-gateway-cache'] = a.cache.status;
    if (hit) return c.json({ ...replayBody(a, hit), gateway: { ...replayMeta(a, hit), ...fanoutMeta(fanout) } }, 200, headers);
  }
  return a.cache.produce(signal, async () => {
    const { body, prompt } = await providerRequest(a.chat, a.prompt, fanout);
    recordPrompt(trace, prompt);
    const assembler = new CompletionAssembler();
    const served = await provider(c, a, body, signal, { chunk: (chunk) => assembler.add(chunk) });
    const cost = settleCost(trace, served, body, () => assembler.text());
    const answer = { ...assembler.result(a.reframer.id, a.reframer.created, a.reframer.model), usage: trace.usage };
    const meta = { ...servedMeta(trace, served, cost), ...fanoutMeta(fanout), prompt };
    Object.assign(headers, { 'x-gateway-model': served.model.id, 'x-gateway-endpoint': served.endpoint.id, 'x-gateway-cost-usd': String(cost) });
    return produced(c.json({ ...answer, gateway: meta }, 200, headers), a, served, fanout, assembler);
  });
}

function streamAnswer(c: Context<AppEnv>, a: Answer, early?: CachedAnswer): Response {
  const { trace } = a.call;
  const { reframer } = a;
  const { response, done } = earlySse({
    headers: a.headers,
    head: reframer.head({ request_id: trace.requestId, trace_id: trace.context.traceId }, a.chat.n ?? 1),
    heartbeatMs: a.call.budgets.heartbeatMs,
    errorEvent: (err) => streamError(trace, err),
    async run(out, clientGone) {
      if (early) return replayStream(out, a, early);
      const signal = AbortSignal.any([clientGone, c.req.raw.signal]);
      const resumed = await a.cache.resume(signal);
      if (resumed) {
        sendMeta(out, reframer, { cache: a.cache.status });
        return replayStream(out, a, resumed);
      }
      // Sources go out the moment retrieval settles, while tools may still be running.
      const fanout = a.fanout && (await runFanout(a.fanout, fanoutDeps(c, signal), (r) => sendMeta(out, reframer, fanoutMeta(r))));
      if (fanout) {
        const hit = await a.cache.lookup(fanout, { signal });
        sendMeta(out, reframer, { cache: a.cache.status });
        if (hit) return replayStream(out, a, hit, fanout.degraded);
      }
      // An answer cut short (either signal) is neither shared nor stored: `produce` sees the signal.
      return a.cache.produce(signal, async () => {
        const { body, prompt } = await providerRequest(a.chat, a.prompt, fanout);
        recordPrompt(trace, prompt);
        if (fanout || prompt) sendMeta(out, reframer, { degraded: fanout?.degraded ?? [], prompt });
        // The answer is assembled on the side only when it may be shared or stored.
        const assembler = a.cache.status === 'miss' ? new CompletionAssembler() : undefined;
        // Without an assembler, the text is counted for a usage estimate should the provider give none.
        let text = '';
        const streamed = () => assembler?.text() ?? text;
        try {
          const served = await provider(c, a, body, signal, {
            chunk: (chunk) => {
              if (assembler) assembler.add(chunk);
              else for (const choice of chunk.choices) text += deltaText(choice.delta);
              const json = reframer.chunk(chunk);
              if (json) out.data(json);
            },
            flush: () => out.flush(),
          });
          const cost = settleCost(trace, served, body, streamed);
          if (a.chat.stream_options?.include_usage) {
            const meta = { ...servedMeta(trace, served, cost), degraded: fanout?.degraded ?? [] };
            out.data(reframer.usage(trace.usage!, meta));
          }
          return produced(undefined, a, served, fanout, assembler);
        } finally {
          // A stream that ended early still used tokens: count what was streamed (rate limits, cost).
          if (!trace.usage && streamed()) {
            trace.usage = estimateUsage(body.messages as Array<{ content?: unknown }>, streamed());
            trace.set('usage_estimated', true);
          }
        }
      });
    },
  });
  trace.finished = done.then((outcome) => trace.set('outcome', outcome));
  c.executionCtx.waitUntil(trace.finished);
  return response;
}

/**
 * What a served answer hands the cache. Identical requests waiting on this one share it; it is
 * stored unless it is a fallback's (not the routed model's) or misses a fan-out stage (partial).
 * It names the model that served it, so a shared fallback answer says so.
 */
function produced<T>(result: T, a: Answer, served: Candidate, fanout: FanoutResult | undefined, assembler?: CompletionAssembler): Produced<T> {
  const { id, created, model } = a.reframer;
  return {
    result,
    answer: assembler && (() => ({ ...toCached({ ...assembler.result(id, created, model), usage: a.call.trace.usage }), model: served.model.id })),
    storable: !served.fallback && !fanout?.degraded.length,
  };
}

/** A cached answer as one JSON, at zero cost. */
function replayBody(a: Answer, hit: CachedAnswer): Record<string, unknown> {
  return { ...replayJson(hit, a.reframer.id, a.reframer.created), gateway: replayMeta(a, hit) };
}

function replayMeta(a: Answer, hit: CachedAnswer): Record<string, unknown> {
  a.call.trace.set('cost_usd', 0);
  return { request_id: a.call.trace.requestId, cache: a.cache.status, cost_usd: 0, model: hit.model };
}

/** A cached answer in the same shape as a live stream: deltas, finish, usage when asked for. */
function replayStream(out: SseWriter, a: Answer, hit: CachedAnswer, degraded: string[] = []): void {
  for (const choice of replayChunks(hit)) out.data(a.reframer.chunk({ ...hit.extra, choices: [choice] })!);
  if (a.chat.stream_options?.include_usage && hit.usage) out.data(a.reframer.usage(hit.usage, { ...replayMeta(a, hit), degraded }));
  out.flush();
}

/** The provider call: breakers, retry budget and fallbacks around the upstream completion. */
function provider(c: Context<AppEnv>, a: Answer, body: Record<string, unknown>, signal: AbortSignal, sink: CompletionSink): Promise<Candidate> {
  const { catalog } = c.var;
  return completeWithFailover({
    catalog,
    primary: a.resolved.model,
    state: resilienceFor(catalog.config),
    env: c.env as unknown as Record<string, unknown>,
    call: { ...a.call, signal },
    body,
    sink,
  });
}

/**
 * The request's cost from usage × the serving model's prices — estimated (and marked so) when the
 * provider sent no usage.
 */
function settleCost(trace: Trace, served: Candidate, body: Record<string, unknown>, completion: () => string): number {
  if (!trace.usage) {
    trace.usage = estimateUsage(body.messages as Array<{ content?: unknown }>, completion());
    trace.set('usage_estimated', true);
  }
  const cost = costUsd(trace.usage, served.model);
  trace.set('cost_usd', cost);
  return cost;
}

function fanoutDeps(c: Context<AppEnv>, signal: AbortSignal) {
  const { config } = c.var.catalog;
  return {
    originUrl: config.origin!.baseUrl,
    tenantId: c.var.tenant.id,
    logContent: c.var.tenant.logContent,
    budgets: config.budgets,
    retrieval: config.retrieval,
    tools: config.tools,
    trace: c.var.trace,
    signal,
    retrievalCache:
      config.cache.retrievalTtlSeconds > 0 && c.var.tenant.cache
        ? { cache: retrievalCacheLayers(c.env, config), waitUntil: (p: Promise<unknown>) => c.executionCtx.waitUntil(p) }
        : undefined,
  };
}

/** Who answered and what it cost: on the JSON body and on a stream's final usage chunk. */
function servedMeta(trace: Trace, served: Candidate, cost: number): Record<string, unknown> {
  const meta: Record<string, unknown> = { request_id: trace.requestId, cost_usd: cost, model: served.model.id, endpoint: served.endpoint.id };
  if (trace.fields.usage_estimated) meta.usage_estimated = true;
  return meta;
}

/** The strings a delta adds to the answer (text, reasoning, refusal, tool arguments), for estimates. */
function deltaText(delta: Record<string, unknown>): string {
  let out = '';
  for (const key in delta) {
    const value = delta[key];
    if (typeof value === 'string' && key !== 'role') out += value;
  }
  for (const t of (delta.tool_calls as Array<{ function?: { arguments?: unknown } }> | undefined) ?? []) {
    if (typeof t.function?.arguments === 'string') out += t.function.arguments;
  }
  return out;
}

/** Gateway metadata about the fan-out, for the response body or a stream chunk. */
function fanoutMeta(fanout: FanoutResult | undefined): Record<string, unknown> {
  if (!fanout) return {};
  return { sources: sourcesOf(fanout), degraded: fanout.degraded };
}

/** Metadata rides on a standard chunk with an empty delta (design §2), sent at once. */
function sendMeta(out: SseWriter, reframer: Reframer, gateway: Record<string, unknown>): void {
  out.data(reframer.meta(gateway));
  out.flush();
}

function recordPrompt(trace: Trace, prompt: PromptMeta | undefined): void {
  if (!prompt) return;
  trace.set('prompt_id', prompt.id);
  trace.set('prompt_version', prompt.version);
  trace.set('prompt_fingerprint', prompt.fingerprint);
}

/** The final `data: {"error": …}` event of a stream whose headers were already sent. */
function streamError(trace: Trace, err: unknown): string {
  const e = toGatewayError(err);
  trace.errorCode = e.code;
  if (e.code === 'internal_error') logInternalError(trace.requestId, e.cause);
  const body = errorBody(e, trace.requestId);
  return JSON.stringify({ error: { ...body.error, status: e.status } });
}
