import { replayChunks, toCached } from '../cache/answer';
import type { FanoutPlan, FanoutResult } from '../fanout/fanout';
import { providerRequest, type PromptMeta } from '../prompts/prepare';
import type { CompletionSink } from '../providers/complete';
import type { Candidate } from '../providers/failover';
import { CompletionAssembler } from '../stream/assemble';
import { costUsd, estimateUsage, pricesFor } from '../telemetry/cost';
import type { Trace } from '../telemetry/trace';
import type { AnswerPlan } from './plan';
import type { ModelConfig } from '../config';
import { cascadeReason } from './cascade';
import { addUsage, checkAnswer, reaskBody, schemaViolation } from './contract-step';
import type { AnswerSink, Done } from './sink';

/** The outside world the answer path talks to: the origin (fan-out) and the provider (with failover). */
export interface AnswerDeps {
  fanout(plan: FanoutPlan, signal: AbortSignal, onRetrieval: (r: FanoutResult) => void): Promise<FanoutResult>;
  /** `model`: another catalog model than the routed one (the cascade's escalation). */
  provider(body: Record<string, unknown>, signal: AbortSignal, sink: CompletionSink, model?: ModelConfig): Promise<Candidate>;
  /** Whether one more provider call may be made to re-ask (the retry budget's word). */
  reask(): boolean;
}

/**
 * The one answer path, for every response shape: the rest of a cache lookup a stream deferred →
 * fan-out (retrieval and tools in parallel) → cache lookup with the retrieval fingerprint →
 * prompt → provider with failover, each chunk to the sink → cost → the answer shared with
 * identical requests and stored. `signal`: the client leaving, or the request's deadline.
 */
export async function answer(plan: AnswerPlan, deps: AnswerDeps, sink: AnswerSink, signal: AbortSignal): Promise<void> {
  const { cache, trace } = plan;
  const resumed = await cache.resume(signal);
  if (resumed) {
    sink.cacheStatus(cache.status);
    return sink.replay(resumed, undefined);
  }
  // Sources go out the moment retrieval settles, while tools may still be running.
  const fanout = plan.fanout && (await deps.fanout(plan.fanout, signal, (r) => sink.sources(r)));
  if (fanout) {
    const hit = await cache.lookup(fanout, { signal });
    sink.cacheStatus(cache.status);
    if (hit) return sink.replay(hit, fanout);
  }
  // An answer cut short (either signal) is neither shared nor stored: `produce` sees the signal.
  return cache.produce(signal, async () => {
    const { body, prompt } = await providerRequest(plan.chat, plan.prompt, fanout);
    recordPrompt(trace, prompt);
    sink.prompt(fanout, prompt);
    const { contract, cascade } = plan;
    // A contract may re-ask, and the cascade escalate, only while nothing reached the client: JSON
    // answers and buffered streams (the cascade is planned only for those).
    const holdBack = (!!contract || !!cascade) && (!plan.chat.stream || plan.chat.gateway?.contract === 'buffer');
    const assemble = sink.assembles || !!contract || !!cascade || cache.status === 'miss';
    const first = await attempt(plan, deps, body, signal, holdBack ? undefined : sink, assemble);
    let { served, cost, assembled } = first;
    // The semantic lookup's embedding is part of what this answer cost.
    if (cache.costUsd) {
      cost += cache.costUsd;
      trace.set('cost_usd', cost);
    }
    let outcome: Done['contract'];
    let escalated: Done['cascade'];
    // The cascade: a small answer that failed goes to the large model once (the one extra call a
    // request may make, so no contract re-ask after it); both calls are paid for.
    const why = cascade && assembled && cascadeReason(assembled, contract);
    if (cascade && why && deps.reask()) {
      escalated = { from: served.model.id, reason: why };
      trace.set('cascade', true);
      trace.set('cascade_reason', why);
      const second = await another(trace, () => attempt(plan, deps, body, signal, undefined, true, cascade.to));
      ({ served } = second);
      cost += second.cost;
      trace.set('cost_usd', cost);
      assembled = { ...second.assembled!, usage: trace.usage };
    }
    if (contract && assembled) {
      let verdict = checkAnswer(contract, assembled);
      let reasked = false;
      // A re-ask asks for one answer: with n > 1 an invalid choice is a 422 rather than a reshaped reply.
      if (verdict.outcome === 'invalid' && holdBack && !escalated && (plan.chat.n ?? 1) === 1 && deps.reask()) {
        reasked = true;
        trace.set('contract_reask', true);
        const second = await another(trace, () => attempt(plan, deps, reaskBody(body, assembled!, verdict.errors), signal, undefined, true));
        ({ served } = second);
        cost += second.cost;
        trace.set('cost_usd', cost);
        verdict = checkAnswer(contract, { ...second.assembled!, usage: trace.usage });
      }
      trace.set('contract', verdict.outcome === 'invalid' ? 'invalid' : reasked ? 'reasked' : verdict.outcome);
      if (verdict.repairs.length) trace.set('contract_repairs', verdict.repairs.join(','));
      if (verdict.outcome === 'invalid') throw schemaViolation(verdict.errors, reasked);
      assembled = { ...verdict.answer, usage: trace.usage };
      outcome = { outcome: reasked ? 'reasked' : verdict.outcome, repairs: verdict.repairs };
    }
    // A held-back stream gets the final answer now, in the same chunks a live one would have.
    if (holdBack && plan.chat.stream && assembled) {
      const held = toCached(assembled);
      for (const choice of replayChunks(held)) sink.chunk({ ...held.extra, choices: [choice] });
    }
    sink.end({ served, cost, fanout, prompt, assembled, contract: outcome, cascade: escalated });
    return {
      result: undefined,
      // Named for the model that served it, so a shared fallback answer says so.
      answer: assembled && (() => ({ ...toCached(assembled!), model: served.model.id })),
      // A fallback's answer is not the routed model's, and one missing a stage is partial.
      storable: !served.fallback && !fanout?.degraded.length,
    };
  });
}

/**
 * One provider call (with failover), each chunk to the sink unless held back, the answer
 * assembled when asked, its cost settled. An answer that ended early still used tokens: what was
 * streamed is counted (rate limits, cost).
 */
async function attempt(plan: AnswerPlan, deps: AnswerDeps, body: Record<string, unknown>, signal: AbortSignal, sink: AnswerSink | undefined, assemble: boolean, to?: ModelConfig) {
  const { trace } = plan;
  const assembler = assemble ? new CompletionAssembler() : undefined;
  // Without an assembler, the text is counted for a usage estimate should the provider give none.
  let text = '';
  const streamed = () => assembler?.text() ?? text;
  try {
    const served = await deps.provider(body, signal, {
      live: sink?.live ?? false,
      chunk(chunk) {
        if (!trace.fields.refusal && refuses(chunk)) trace.set('refusal', true);
        if (assembler) assembler.add(chunk);
        else for (const choice of chunk.choices) text += deltaText(choice.delta);
        sink?.chunk(chunk);
      },
      flush: () => sink?.flush(),
    }, to);
    const cost = settleCost(trace, served, body, streamed);
    const { id, created, model } = plan.ids;
    // An escalated answer is named for the model it was escalated to.
    const assembled = assembler && { ...assembler.result(id, created, to?.id ?? model), usage: trace.usage };
    return { served, cost, assembled };
  } catch (err) {
    // An answer that failed or was cut after tokens flowed was still billed: its usage (reported,
    // or estimated from what streamed) is priced at the model it was asked of and added to the
    // request's cost, so spend limits, stats and tasks see it.
    if (!trace.usage && streamed()) {
      trace.usage = estimateUsage(body.messages as Array<{ content?: unknown }>, streamed());
      trace.set('usage_estimated', true);
    }
    if (trace.usage) {
      const model = to ?? plan.resolved.model;
      const partial = costUsd(trace.usage, pricesFor(model, model.endpoints[0] ?? {}));
      const before = typeof trace.fields.cost_usd === 'number' ? trace.fields.cost_usd : 0;
      trace.set('cost_usd', Math.round((before + partial) * 1e10) / 1e10);
    }
    throw err;
  }
}

/**
 * A second provider call for the same request (a cascade or a re-ask): its usage is added to the
 * first's whether it succeeds or fails, so neither call's tokens are lost to rate limits or cost.
 */
async function another<T>(trace: Trace, call: () => Promise<T>): Promise<T> {
  const usage = trace.usage;
  trace.usage = undefined;
  try {
    return await call();
  } finally {
    trace.usage = addUsage(usage, trace.usage);
  }
}

/** The request's cost from usage × the serving model's prices — estimated (and marked) without usage. */
function settleCost(trace: Trace, served: Candidate, body: Record<string, unknown>, completion: () => string): number {
  if (!trace.usage) {
    trace.usage = estimateUsage(body.messages as Array<{ content?: unknown }>, completion());
    trace.set('usage_estimated', true);
  }
  const cost = costUsd(trace.usage, pricesFor(served.model, served.endpoint));
  trace.set('cost_usd', cost);
  return cost;
}

/** The model declined: a `refusal` delta, or the answer stopped by a content filter (a canary's refusal rate). */
function refuses(chunk: { choices: Array<{ delta: Record<string, unknown>; finish_reason?: string | null }> }): boolean {
  return chunk.choices.some((c) => (typeof c.delta.refusal === 'string' && c.delta.refusal !== '') || c.finish_reason === 'content_filter');
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

function recordPrompt(trace: Trace, prompt: PromptMeta | undefined): void {
  if (!prompt) return;
  trace.set('prompt_id', prompt.id);
  trace.set('prompt_version', prompt.version);
  trace.set('prompt_fingerprint', prompt.fingerprint);
}
