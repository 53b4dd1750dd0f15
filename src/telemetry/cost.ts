import { estimateTokens, promptTokens } from './tokens';
import type { Usage } from './trace';

/** USD per million tokens. Absent special prices fall back: cached and cache-write input to input, reasoning to output. */
export interface Prices {
  inputPer1M: number;
  outputPer1M: number;
  cachedInputPer1M?: number;
  cacheWritePer1M?: number;
  reasoningPer1M?: number;
}

/** A usage split by how each part is billed. */
export interface BilledTokens {
  /** Input billed at the full input price. */
  input: number;
  /** Input read from the provider's prompt cache. */
  cachedInput: number;
  /** Input written to the provider's prompt cache (billed apart by some providers). */
  cacheWrite: number;
  /** Output that is not reasoning. */
  output: number;
  /** Reasoning tokens (part of the completion). */
  reasoning: number;
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);
const field = (obj: unknown, key: string): unknown => (typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[key] : undefined);

/**
 * Splits a provider's usage by price, from the usage details the common OpenAI-compatible shapes
 * carry: cached input as `prompt_tokens_details.cached_tokens` (OpenAI, OpenRouter, Groq, xAI),
 * `prompt_cache_hit_tokens` (DeepSeek) or `cache_read_input_tokens` (Anthropic's naming); cache
 * writes as `prompt_tokens_details.cache_write_tokens` (OpenRouter) or
 * `cache_creation_input_tokens`; reasoning as `completion_tokens_details.reasoning_tokens`.
 * `prompt_tokens` includes cached and written tokens in OpenAI's semantics; where it is smaller
 * than their sum, the provider counted them apart (Anthropic's semantics) and it is the uncached
 * part alone. Details that do not fit their totals are ignored (priced at the full price).
 */
export function billedTokens(usage: Usage): BilledTokens {
  const prompt = usage.prompt_tokens;
  const completion = usage.completion_tokens;
  const promptDetails = field(usage, 'prompt_tokens_details');
  const cached = count(field(promptDetails, 'cached_tokens')) || count(field(usage, 'prompt_cache_hit_tokens')) || count(field(usage, 'cache_read_input_tokens'));
  const writes = count(field(promptDetails, 'cache_write_tokens')) || count(field(usage, 'cache_creation_input_tokens'));
  const reasoning = Math.min(count(field(field(usage, 'completion_tokens_details'), 'reasoning_tokens')), completion);
  const inclusive = cached + writes <= prompt;
  return {
    input: inclusive ? prompt - cached - writes : prompt,
    cachedInput: cached,
    cacheWrite: writes,
    output: completion - reasoning,
    reasoning,
  };
}

/**
 * USD for one request: each part of the usage × its price. Usage has been checked
 * (telemetry/usage.ts); the result is finite and ≥ 0 whatever reaches here.
 */
export function costUsd(usage: Usage, prices: Prices): number {
  const t = billedTokens(usage);
  const micro =
    t.input * prices.inputPer1M +
    t.cachedInput * (prices.cachedInputPer1M ?? prices.inputPer1M) +
    t.cacheWrite * (prices.cacheWritePer1M ?? prices.inputPer1M) +
    t.output * prices.outputPer1M +
    t.reasoning * (prices.reasoningPer1M ?? prices.outputPer1M);
  if (!Number.isFinite(micro) || micro < 0) return 0;
  // Round to 1e-10 USD so sums of floats do not print as 0.30000000000000004.
  return Math.round((micro / 1e6) * 1e10) / 1e10;
}

/** A model's prices with its endpoint's overrides (an endpoint may be billed differently). */
export function pricesFor(model: Prices, endpoint: { prices?: Partial<Prices> }): Prices {
  return endpoint.prices ? { ...model, ...endpoint.prices } : model;
}

/** Usage by the ≈4-characters-a-token estimate, for providers that report none. */
export function estimateUsage(messages: ReadonlyArray<{ content?: unknown }>, completion: string): Usage {
  const prompt_tokens = promptTokens(messages);
  const completion_tokens = estimateTokens(completion);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}
