import type { RouteFeatures } from './features';
import { pLarge, type RouterWeights } from './learned';
import WEIGHTS from './router-weights.json' with { type: 'json' };

export type Tier = 'small' | 'large';

/** Thresholds from config (`routing`), with the tenant's ceiling. */
export interface RoutingPolicy {
  /** Inputs longer than this (estimated tokens) that ask for synthesis go large. */
  largePromptTokens: number;
  /** Conversations with more user turns than this go large. */
  largeConversationTurns: number;
  /** The tenant's ceiling: `small` keeps every `auto` request small. */
  maxTier: Tier;
  /** `learned`: the shipped model decides, the rules explain; `rules`: the rules alone decide. */
  router: 'learned' | 'rules';
}

export interface TierDecision {
  tier: Tier;
  /** The rule that decided or explains the decision (`learned` when the model overrode the rules), for the trace. */
  reason: string;
  /** The learned model's P(large), when it decided. */
  pLarge?: number;
}

/** The shipped model (src/routing/router-weights.json, from `npm run train:router`). */
export const ROUTER_WEIGHTS = WEIGHTS as RouterWeights;

/**
 * `model: "auto"` → a tier. The learned model decides: P(large) at or above its threshold (chosen
 * by cross-validation on the training split to keep hard requests from going small) → large. The
 * keyword rules explain: when they agree with the model, their first matching rule is the reason;
 * when the model overrode them, the reason is `learned`. The tenant's ceiling comes first. Pure and
 * deterministic, a few microseconds (`npm run eval:router` measures both against the labelled set).
 */
export function decideTier(f: RouteFeatures, policy: RoutingPolicy, weights: RouterWeights = ROUTER_WEIGHTS): TierDecision {
  if (policy.maxTier === 'small') return { tier: 'small', reason: 'tenant-ceiling' };
  const rule = ruleTier(f, policy);
  if (policy.router === 'rules') return rule;
  const p = pLarge(f, weights, policy.largePromptTokens);
  const tier: Tier = p >= weights.threshold ? 'large' : 'small';
  return { tier, reason: tier === rule.tier ? rule.reason : 'learned', pLarge: p };
}

/**
 * The keyword rules (the router before issue #13, now its explanation): most requests — short
 * questions, chit-chat, lookups, summaries and extraction, easy code — are small-model work; large
 * for hard code, real mathematics, explicit multi-step reasoning, heavy structured work, synthesis
 * over a long input and very long conversations. The first rule that matches decides.
 */
export function ruleTier(f: RouteFeatures, policy: Pick<RoutingPolicy, 'largePromptTokens' | 'largeConversationTurns'>): TierDecision {
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
  router: 'learned',
};
