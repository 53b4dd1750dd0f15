import type { RouteFeatures } from './features';

export type Tier = 'small' | 'large';

/** Thresholds from config (`routing`), with the tenant's ceiling. */
export interface RoutingPolicy {
  /** Inputs longer than this (estimated tokens) that ask for synthesis go large. */
  largePromptTokens: number;
  /** Conversations with more user turns than this go large. */
  largeConversationTurns: number;
  /** The tenant's ceiling: `small` keeps every `auto` request small. */
  maxTier: Tier;
}

export interface TierDecision {
  tier: Tier;
  /** The rule that decided, for the trace and `x-gateway-tier` readers. */
  reason: string;
}

/**
 * `model: "auto"` → a tier: a pure, deterministic rule over the request's features. Most requests
 * — short questions, chit-chat, lookups, summaries and extraction, easy code — are small-model
 * work; large is kept for hard code, real mathematics, explicit multi-step reasoning, heavy
 * structured work, synthesis over a long input and very long conversations. The first rule that
 * matches decides, and is the reason. (`npm run eval:router` measures it against a labelled set.)
 */
export function decideTier(f: RouteFeatures, policy: RoutingPolicy): TierDecision {
  if (policy.maxTier === 'small') return { tier: 'small', reason: 'tenant-ceiling' };
  if (f.heavyStructure) return { tier: 'large', reason: 'structured' };
  if (f.hardCode) return { tier: 'large', reason: 'hard-code' };
  if (f.hardMath) return { tier: 'large', reason: 'math' };
  if (f.reasoning) return { tier: 'large', reason: 'reasoning' };
  if (f.synthesis && f.promptTokens > policy.largePromptTokens) return { tier: 'large', reason: 'long-synthesis' };
  if (f.userTurns > policy.largeConversationTurns) return { tier: 'large', reason: 'long-conversation' };
  return { tier: 'small', reason: 'simple' };
}

export const DEFAULT_POLICY: RoutingPolicy = {
  largePromptTokens: 2000,
  largeConversationTurns: 20,
  maxTier: 'large',
};
