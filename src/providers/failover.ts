import type { Catalog } from '../catalog';
import type { EndpointConfig, ModelConfig } from '../config';
import { errorType, GatewayError, isGatewayError } from '../errors';
import { fullJitter } from '../resilience/backoff';
import type { ChatChunk } from '../stream/types';
import { chatRequestAttrs } from '../telemetry/genai';
import type { Attrs, OpenSpan, Trace } from '../telemetry/trace';
import { sleep } from '../util/sleep';
import { chunkCarries } from '../stream/upstream-event';
import { runCompletion, type CompletionCall, type CompletionSink } from './complete';
import type { UpstreamTarget } from './openai-compatible';
import type { ResilienceState } from './resilience-state';

/** One place an answer may come from: a model's endpoint, possibly the fallback model's. */
export interface Candidate {
  model: ModelConfig;
  endpoint: EndpointConfig;
  fallback: boolean;
}

export interface FailoverCall {
  catalog: Catalog;
  primary: ModelConfig;
  state: ResilienceState;
  env: Record<string, unknown>;
  call: Omit<CompletionCall, 'target' | 'body' | 'span'>;
  body: Record<string, unknown>;
  sink: CompletionSink;
}

/**
 * The provider call with breakers, a retry budget and fallbacks: try the primary model's
 * endpoints in pool order, then its fallback model's (with tighter instructions). Move on only
 * for retryable failures and only before any part of the answer has reached the sink — never
 * splice two answers. Each move after the first attempt takes a retry from the budget; a retry on
 * the same endpoint waits a full-jitter backoff. With nothing available, fail fast with 503 and
 * the time until an endpoint takes requests again. Traced as a `provider` span with one CLIENT span
 * `chat {model}` per attempt under it, siblings, each failed one with its error.
 */
export async function completeWithFailover(f: FailoverCall): Promise<Candidate> {
  return f.call.trace.run('provider', (span) => failover(f, span));
}

async function failover(f: FailoverCall, providerSpan: OpenSpan): Promise<Candidate> {
  const { state, call } = f;
  const { trace } = call;
  const retry = f.catalog.config.resilience.retry;
  state.budget.recordRequest();
  const plan = candidates(f);
  let last: unknown;
  let attempts = 0;
  let previous: Candidate | undefined;
  for (const cand of plan) {
    if (attempts >= retry.maxAttempts) break;
    if (!state.pool.available(cand.model, cand.endpoint)) continue;
    if (attempts > 0 && !state.budget.tryRetry()) {
      trace.set('retry_budget_exhausted', true);
      break;
    }
    // Taken only now, so a half-open breaker's single probe is never claimed and then not sent.
    const ticket = state.pool.admit(cand.model, cand.endpoint);
    if (!ticket) continue;
    if (previous?.endpoint === cand.endpoint) await sleep(fullJitter(attempts, retry.backoffBaseMs, retry.backoffMaxMs), call.signal);
    attempts++;
    previous = cand;
    trace.set('attempts', attempts);
    let delivered = false;
    const sink: CompletionSink = {
      ...f.sink,
      chunk: (chunk: ChatChunk) => {
        delivered ||= chunkCarries(chunk);
        f.sink.chunk(chunk);
      },
    };
    const started = trace.elapsed();
    const upstream = target(cand, f.env, f.catalog);
    const body = bodyFor(cand, f.body, f.catalog);
    const span = attemptSpan(trace, providerSpan, upstream, body, { 'gateway.endpoint': cand.endpoint.id, 'gateway.attempt': attempts, 'gateway.fallback': cand.fallback });
    try {
      await runCompletion({ ...call, target: upstream, body, span, ends: state.ends }, sink);
      span();
      const ttft = trace.fields.ttft_ms;
      state.pool.onSuccess(cand.model, cand.endpoint, ticket, typeof ttft === 'number' ? ttft - started : undefined);
      trace.set('endpoint', cand.endpoint.id);
      trace.set('served_model', cand.model.id);
      if (cand.fallback) trace.set('fallback', true);
      return cand;
    } catch (err) {
      span.fail(errorType(err), { 'error.type': errorType(err) });
      if (!isGatewayError(err) || !countsAgainstEndpoint(err)) {
        // The client left, or the provider refused the request itself (4xx): the endpoint is fine.
        if (isGatewayError(err) && err.status < 500) state.pool.onSuccess(cand.model, cand.endpoint, ticket);
        else state.pool.release(cand.model, cand.endpoint, ticket);
        throw err;
      }
      state.pool.onFailure(cand.model, cand.endpoint, ticket, err.upstreamRetryAfter);
      if (delivered || !retryable(err)) throw err;
      trace.set(`attempt_${attempts}_error`, err.code);
      last = err;
    }
  }
  if (last) throw last;
  const wait = Math.max(1, Math.ceil(state.pool.retryAfterMs(f.primary) / 1000));
  throw new GatewayError('Every endpoint for this model is failing; the gateway is not sending it more traffic for now.', {
    status: 503,
    code: 'upstream_unavailable',
    retryAfter: wait,
  });
}

/** One attempt's CLIENT span, `chat {model}` (GenAI conventions), under the `provider` span. */
function attemptSpan(trace: Trace, parent: OpenSpan, upstream: UpstreamTarget, body: Record<string, unknown>, ours: Attrs): OpenSpan {
  const span = trace.span(`chat ${upstream.upstreamModel}`, { parent, kind: 'client' });
  span.set({ ...chatRequestAttrs(upstream, body), ...ours });
  const { prompt_id, prompt_version } = trace.fields;
  if (prompt_id !== undefined) span.set({ 'gen_ai.prompt.name': prompt_id });
  if (prompt_version !== undefined) span.set({ 'gen_ai.prompt.version': prompt_version });
  return span;
}

/** Primary endpoints in pool order, then the fallback model's; a lone endpoint gets one retry. */
function candidates(f: FailoverCall): Candidate[] {
  const list: Candidate[] = f.state.pool.order(f.primary).map((endpoint) => ({ model: f.primary, endpoint, fallback: false }));
  const fallback = f.primary.fallback ? f.catalog.modelById.get(f.primary.fallback) : undefined;
  if (fallback) list.push(...f.state.pool.order(fallback).map((endpoint) => ({ model: fallback, endpoint, fallback: true })));
  if (list.length === 1) list.push(list[0]!);
  return list;
}

/** Failures that say something about the endpoint (not the client's request, not the client leaving). */
function countsAgainstEndpoint(err: GatewayError): boolean {
  // The request's own total deadline running out says nothing about the endpoint.
  if (err.code === 'deadline_exceeded') return false;
  return err.status >= 500 || err.status === 429 || err.code === 'upstream_timeout';
}

/** Worth another endpoint: the answer may well succeed elsewhere. */
function retryable(err: GatewayError): boolean {
  return err.code !== 'deadline_exceeded' && (err.status >= 500 || err.status === 429);
}

function target(c: Candidate, env: Record<string, unknown>, catalog: Catalog): UpstreamTarget {
  return {
    maxRetryAfterSeconds: catalog.config.resilience.maxRetryAfterSeconds,
    endpointId: c.endpoint.id,
    url: `${c.endpoint.baseUrl.replace(/\/+$/, '')}/chat/completions`,
    apiKey: c.endpoint.apiKeyEnv ? (env[c.endpoint.apiKeyEnv] as string) : undefined,
    upstreamModel: c.model.upstreamModel ?? c.model.id,
    provider: c.endpoint.provider ?? 'openai',
  };
}

/** The tier's max_tokens cap, and for a fallback its tighter instructions first. */
function bodyFor(c: Candidate, body: Record<string, unknown>, catalog: Catalog): Record<string, unknown> {
  const cap = catalog.config.routing.maxTokens[c.model.tier];
  const out: Record<string, unknown> = { ...body };
  if (cap !== undefined) {
    for (const key of ['max_tokens', 'max_completion_tokens'] as const) {
      if (typeof out[key] === 'number') out[key] = Math.min(out[key] as number, cap);
    }
    if (out.max_tokens === undefined && out.max_completion_tokens === undefined) out.max_tokens = cap;
  }
  if (c.fallback) out.messages = [{ role: 'system', content: c.model.fallbackInstructions }, ...(body.messages as unknown[])];
  return out;
}
