import { estimateTokens, promptTokens } from './tokens';
import type { Usage } from './trace';

export interface Prices {
  inputPer1M: number;
  outputPer1M: number;
}

/**
 * USD for one request: usage × the catalog's per-million-token prices. Usage has been checked
 * (telemetry/usage.ts); the result is finite and ≥ 0 whatever reaches here.
 */
export function costUsd(usage: Usage, prices: Prices): number {
  const micro = usage.prompt_tokens * prices.inputPer1M + usage.completion_tokens * prices.outputPer1M;
  if (!Number.isFinite(micro) || micro < 0) return 0;
  // Round to 1e-10 USD so sums of floats do not print as 0.30000000000000004.
  return Math.round(micro / 1e6 * 1e10) / 1e10;
}

/** Usage by the ≈4-characters-a-token estimate, for providers that report none. */
export function estimateUsage(messages: ReadonlyArray<{ content?: unknown }>, completion: string): Usage {
  const prompt_tokens = promptTokens(messages);
  const completion_tokens = estimateTokens(completion);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}
