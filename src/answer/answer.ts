import { replayChunks, toCached } from '../cache/answer';
import type { FanoutPlan, FanoutResult } from '../fanout/fanout';
import { providerRequest, type PromptMeta } from '../prompts/prepare';
import type { CompletionSink } from '../providers/complete';
import type { Candidate } from '../providers/failover';
import { CompletionAssembler } from '../stream/assemble';
import { costUsd, estimateUsage, pricesFor } from '../telemetry/cost';
import type { Trace } from '../telemetry/trace';
import type { AnswerPlan } from './plan';
import { addUsage, checkAnswer, reaskBody, schemaViolation } from './contract-step';
import type { AnswerSink, Done } from './sink';

/** The outside world the answer path talks to: the origin (fan-out) and the provider (with failover). */
export interface AnswerDeps {
  fanout(plan: FanoutPlan, signal: AbortSignal, onRetrieval: (r: FanoutResult) => void): Promise<FanoutResult>;
  provider(body: Record<string, unknown>, signal: AbortSignal, sink: CompletionSink): Promise<Candidate>;
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
    const { contract } = plan;
    // A contract may re-ask only while nothing reached the client: JSON answers and buffered streams.
    const holdBack = !!contract && (!plan.chat.stream || plan.chat.gateway?.contract === 'buffer');
    const assemble = sink.assembles || !!contract || cache.status === 'miss';
    const first = await attempt(plan, deps, body, signal, holdBack ? undefined : sink, assemble);
    let { served, cost, assembled } = first;
    // The semantic lookup's embedding is part of what this answer cost.
    if (cache.costUsd) {
      cost += cache.costUsd;
      trace.set('cost_usd', cost);
    }
    let outcome: Done['contract'];
    if (contract && assembled) {
      let verdict = checkAnswer(contract, assembled);
      let reasked = false;
      if (verdict.outcome === 'invalid' && holdBack && deps.reask()) {
        reasked = true;
        trace.set('contract_reask', true);
        const usage = trace.usage;
        trace.usage = undefined;
        const second = await attempt(plan, deps, reaskBody(body, assembled, verdict.errors), signal, undefined, true);
        trace.usage = addUsage(usage, trace.usage);
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
      // A held-back stream gets the checked answer now, in the same chunks a live one would have.
      if (holdBack && plan.chat.stream) {
        const held = toCached(assembled);
        for (const choice of replayChunks(held)) sink.chunk({ ...held.extra, choices: [choice] });
      }
    }
    sink.end({ served, cost, fanout, prompt, assembled, contract: outcome });
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
async function attempt(plan: AnswerPlan, deps: AnswerDeps, body: Record<string, unknown>, signal: AbortSignal, sink: AnswerSink | undefined, assemble: boolean) {
  const { trace } = plan;
  const assembler = assemble ? new CompletionAssembler() : undefined;
  // Without an assembler, the text is counted for a usage estimate should the provider give none.
  let text = '';
  const streamed = () => assembler?.text() ?? text;
  try {
    const served = await deps.provider(body, signal, {
      chunk(chunk) {
        if (assembler) assembler.add(chunk);
        else for (const choice of chunk.choices) text += deltaText(choice.delta);
        sink?.chunk(chunk);
      },
      flush: () => sink?.flush(),
    });
    const cost = settleCost(trace, served, body, streamed);
    const { id, created, model } = plan.ids;
    const assembled = assembler && { ...assembler.result(id, created, model), usage: trace.usage };
    return { served, cost, assembled };
  } finally {
    if (!trace.usage && streamed()) {
      trace.usage = estimateUsage(body.messages as Array<{ content?: unknown }>, streamed());
      trace.set('usage_estimated', true);
    }
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
