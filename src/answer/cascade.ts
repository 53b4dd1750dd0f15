import type { Catalog } from '../catalog';
import type { ChatRequest } from '../chat-request';
import type { ModelConfig } from '../config';
import type { Contract } from '../contracts/contract';
import type { ResolvedModel } from '../routing/resolve-model';
import { checkAnswer } from './contract-step';

type Json = Record<string, unknown>;

export type CascadeReason = 'contract' | 'empty' | 'refusal' | 'length';

/**
 * Whether the cascade applies (`routing.cascade`, issue #13), and where it escalates: `auto`
 * routed the request small, with P(large) in the low-confidence band (at or above
 * `cascadeMinPLarge`, below the router's threshold), the answer can still be held back (JSON, or a
 * `gateway.contract: "buffer"` stream), and the catalog has a large model.
 */
export function cascadeTarget(catalog: Catalog, chat: ChatRequest, resolved: ResolvedModel): { to: ModelConfig } | undefined {
  const { cascade, cascadeMinPLarge } = catalog.config.routing;
  if (!cascade || chat.model !== 'auto' || resolved.tier !== 'small') return undefined;
  if (resolved.pLarge === undefined || resolved.pLarge < cascadeMinPLarge) return undefined;
  if (chat.stream && chat.gateway?.contract !== 'buffer') return undefined;
  const to = catalog.modelsByTier.large[0];
  return to ? { to } : undefined;
}

// Short answers that open by declining. Long answers that mention a limit are still answers.
const REFUSAL = /^\s*(?:(?:i'?m|i am) sorry,?\s*(?:but\s*)?|sorry,?\s*(?:but\s*)?|unfortunately,?\s*)?(?:i|as an ai,? i)\s*(?:can(?:no|')t|can not|am unable to|'m unable to|am not able to|won'?t be able to)\s+(?:help|assist|comply|provide|answer|do that|complete)/i;
const REFUSAL_MAX_CHARS = 300;

/** Why a small answer counts as failed, or undefined when it stands. */
export function cascadeReason(answer: Json, contract: Contract | undefined): CascadeReason | undefined {
  const choices = (answer.choices as Json[] | undefined) ?? [];
  if (choices.some((c) => c.finish_reason === 'length')) return 'length';
  const messages = choices.map((c) => (c.message ?? {}) as Json);
  const text = (m: Json) => (typeof m.content === 'string' ? m.content.trim() : '');
  const calls = (m: Json) => Array.isArray(m.tool_calls) && m.tool_calls.length > 0;
  if (messages.some((m) => typeof m.refusal === 'string' && m.refusal.trim())) return 'refusal';
  if (messages.length === 0 || messages.every((m) => !text(m) && !calls(m))) return 'empty';
  if (messages.some((m) => !calls(m) && text(m).length <= REFUSAL_MAX_CHARS && REFUSAL.test(text(m)))) return 'refusal';
  if (contract && checkAnswer(contract, answer).outcome === 'invalid') return 'contract';
  return undefined;
}
