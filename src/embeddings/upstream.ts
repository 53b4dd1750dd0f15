import type { Catalog } from '../catalog';
import type { EndpointConfig, ModelConfig } from '../config';
import { deadlineExceeded, errorType, isGatewayError, upstreamBroken, upstreamUnreachable } from '../errors';
import { readBounded } from '../providers/openai-compatible';
import type { ResilienceState } from '../providers/resilience-state';
import { upstreamHttpError } from '../providers/upstream-errors';
import { costUsd, pricesFor } from '../telemetry/cost';
import { estimateTokens } from '../telemetry/tokens';
import type { OpenSpan, Trace, Usage } from '../telemetry/trace';
import { Deadlines } from '../util/deadlines';

export interface EmbeddingsCall {
  catalog: Catalog;
  /** A catalog model of kind `embedding`. */
  model: ModelConfig;
  state: ResilienceState;
  env: Record<string, unknown>;
  trace: Trace;
  /** The client leaving, or a caller's own deadline (the semantic lookup's). */
  signal: AbortSignal;
  /** The OpenAI embeddings request as the client sent it (`model` is set here to the upstream's name). */
  body: Record<string, unknown>;
  /** Its inputs, as a list. */
  inputs: string[];
  /** The span the attempts nest under. @default the request's root */
  parent?: OpenSpan;
}

export interface Embedded {
  /** The provider's body, checked: `data[]` of embeddings, one per input, and `usage`. */
  body: Record<string, unknown> & { data: Array<{ embedding: number[] | string; index: number }> };
  usage: Usage;
  usageEstimated: boolean;
  endpoint: EndpointConfig;
  costUsd: number;
}

/**
 * One OpenAI-compatible embeddings call (`{baseUrl}/embeddings`) with the chat path's endpoint
 * breakers and retry budget: the model's endpoints in pool order, moving on for a 5xx, a 429 or
 * an unreachable endpoint while the budget allows, within the request's total deadline. Each
 * attempt is a CLIENT span `embeddings {model}`. The body is checked like any outside input.
 */
export async function embedWithFailover(call: EmbeddingsCall): Promise<Embedded> {
  const { state, trace, model, catalog } = call;
  const { budgets, resilience } = catalog.config;
  state.budget.recordRequest();
  const deadlines = new Deadlines(call.signal);
  deadlines.set('total', budgets.totalMs - trace.elapsed(), () => deadlineExceeded(budgets.totalMs));
  let last: unknown;
  let attempts = 0;
  try {
    for (const endpoint of state.pool.order(model)) {
      if (attempts >= resilience.retry.maxAttempts) break;
      if (attempts > 0 && !state.budget.tryRetry()) break;
      const ticket = state.pool.admit(model, endpoint);
      if (!ticket) continue;
      attempts++;
      const span = trace.span(`embeddings ${model.upstreamModel ?? model.id}`, { parent: call.parent, kind: 'client' });
      span.set({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.provider.name': endpoint.provider ?? 'openai', 'gen_ai.request.model': model.upstreamModel ?? model.id, 'gateway.endpoint': endpoint.id });
      try {
        const embedded = await attempt(call, endpoint, span.traceparent, deadlines.signal);
        span({ 'gen_ai.usage.input_tokens': embedded.usage.prompt_tokens });
        state.pool.onSuccess(model, endpoint, ticket);
        return embedded;
      } catch (err) {
        const reason = deadlines.signal.aborted ? deadlines.signal.reason : err;
        span.fail(errorType(reason), { 'error.type': errorType(reason) });
        // Our own deadline or the client leaving says nothing about the endpoint; nor does a 4xx.
        if (deadlines.signal.aborted || !isGatewayError(reason) || (reason.status < 500 && reason.status !== 429)) {
          state.pool.release(model, endpoint, ticket);
          throw reason;
        }
        state.pool.onFailure(model, endpoint, ticket, reason.upstreamRetryAfter);
        last = reason;
      }
    }
  } finally {
    deadlines.dispose();
  }
  if (last) throw last;
  throw upstreamUnreachable(new Error(`no endpoint of ${model.id} is available`));
}

async function attempt(call: EmbeddingsCall, endpoint: EndpointConfig, traceparent: string, signal: AbortSignal): Promise<Embedded> {
  const apiKey = endpoint.apiKeyEnv ? (call.env[endpoint.apiKeyEnv] as string) : undefined;
  const headers: Record<string, string> = { 'content-type': 'application/json', traceparent };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  let res: Response;
  try {
    res = await fetch(`${endpoint.baseUrl.replace(/\/+$/, '')}/embeddings`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...call.body, model: call.model.upstreamModel ?? call.model.id }),
      signal,
    });
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw upstreamUnreachable(err);
  }
  if (!res.ok) {
    const text = await readBounded(res).catch(() => '');
    throw upstreamHttpError(res.status, text, res.headers.get('retry-after'), { secrets: [apiKey], maxRetryAfterSeconds: call.catalog.config.resilience.maxRetryAfterSeconds });
  }
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    if (signal.aborted) throw signal.reason;
    throw upstreamBroken('the embeddings response was not JSON');
  }
  const body = checkBody(json, call.inputs.length);
  const reported = readPromptUsage(body.usage);
  const usage = reported ?? { prompt_tokens: call.inputs.reduce((n, s) => n + estimateTokens(s), 0), completion_tokens: 0 };
  usage.total_tokens = usage.prompt_tokens;
  return { body, usage, usageEstimated: !reported, endpoint, costUsd: costUsd(usage, pricesFor(call.model, endpoint)) };
}

/** The provider's body if it holds one embedding (floats, or base64 text) per input. */
function checkBody(json: unknown, inputs: number): Embedded['body'] {
  const body = json as Embedded['body'] | null;
  if (typeof body !== 'object' || body === null || !Array.isArray(body.data) || body.data.length !== inputs) {
    throw upstreamBroken(`the embeddings response did not hold ${inputs} embedding(s)`);
  }
  for (const d of body.data) {
    const e = (d as { embedding?: unknown } | null)?.embedding;
    const ok = typeof e === 'string' ? e.length > 0 : Array.isArray(e) && e.length > 0 && e.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!ok || !Number.isInteger(d.index)) throw upstreamBroken('the embeddings response held a malformed embedding');
  }
  return body;
}

/** `usage.prompt_tokens` if it is a believable count (embeddings have no completion). */
function readPromptUsage(raw: unknown): Usage | undefined {
  const n = (raw as { prompt_tokens?: unknown } | null)?.prompt_tokens;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 100_000_000 ? { prompt_tokens: n, completion_tokens: 0 } : undefined;
}

/** The embedding of one input as floats (a base64 one decoded: little-endian float32). */
export function floatsOf(embedding: number[] | string): number[] {
  if (Array.isArray(embedding)) return embedding;
  const bytes = Uint8Array.from(atob(embedding), (c) => c.charCodeAt(0));
  return Array.from(new Float32Array(bytes.buffer, 0, Math.floor(bytes.byteLength / 4)));
}
