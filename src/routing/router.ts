import type { RouteFeatures } from './features';

export type Tier = 'small' | 'large';

/** Thresholds from config (`routing`), with the tenant's ceiling. */
export interface RoutingPolicy {
  /** Prompts longer than this (estimated tokens) go large. */
  largePromptTokens: number;
  /** Conversations with more user turns than this go large. */
  largeConversationTurns: number;
  /** A requested answer longer than this (max_tokens) goes large. */
  largeMaxTokens: number;
  /** The tenant's ceiling: `small` keeps every `auto` request small. */
  maxTier: Tier;
}

export interface TierDecision {
  tier: Tier;
  /** The rule that decided, for the trace and `x-gateway-tier` readers. */
  reason: string;
}

/**
 * `model: "auto"` → a tier: a pure, deterministic rule over the request's features. Short factual
 * questions, chit-chat, summaries and extraction stay small; code, math, multi-step reasoning,
 * structured output, long context, long conversations and long answers go large. The first rule
 * that matches decides, and is the reason.
 */
export function decideTier(f: RouteFeatures, policy: RoutingPolicy): TierDecision {
  if (policy.maxTier === 'small') return { tier: 'small', reason: 'tenant-ceiling' };
  if (f.structured) return { tier: 'large', reason: 'structured-output' };
  if (f.code) return { tier: 'large', reason: 'code' };
  if (f.math) return { tier: 'large', reason: 'math' };
  if (f.reasoning) return { tier: 'large', reason: 'reasoning' };
  if (f.promptTokens > policy.largePromptTokens) return { tier: 'large', reason: 'long-context' };
  if (f.userTurns > policy.largeConversationTurns) return { tier: 'large', reason: 'long-conversation' };
  if (f.maxTokens !== undefined && f.maxTokens > policy.largeMaxTokens) return { tier: 'large', reason: 'long-answer' };
  return { tier: 'small', reason: 'simple' };
}

export const DEFAULT_POLICY: RoutingPolicy = {
  largePromptTokens: 6000,
  largeConversationTurns: 12,
  largeMaxTokens: 2000,
  maxTier: 'large',
};
