import type { CachedAnswer } from '../cache/answer';
import type { Catalog } from '../catalog';
import type { ChatRequest } from '../chat-request';
import { CacheFlow } from '../cache/flow';
import { semanticCacheFor } from '../cache/semantic/for-tenant';
import { contractOf, type Contract } from '../contracts/contract';
import type { ModelConfig, TenantConfig } from '../config';
import { cascadeTarget } from './cascade';
import type { Env } from '../env';
import { planFanout } from '../fanout/plan';
import type { FanoutPlan } from '../fanout/fanout';
import { applyCanary } from '../canary/apply';
import { planPrompt, promptTemplate, type PromptPlan } from '../prompts/prepare';
import { fitToModel } from '../routing/limits';
import { resolveModel, type ResolvedModel } from '../routing/resolve-model';
import type { IsolateState } from '../state';
import type { Trace } from '../telemetry/trace';

/** The answer's own ids: one for the whole answer, whichever shape it takes. */
export interface AnswerIds {
  id: string;
  created: number;
  /** The catalog model the request was routed to. */
  model: string;
}

/**
 * Everything decided before the answer starts — model, limits, fan-out, prompt, cache key parts —
 * so a bad request fails here with its real status, before any stream opens.
 */
export interface AnswerPlan {
  chat: ChatRequest;
  resolved: ResolvedModel;
  fanout?: FanoutPlan;
  prompt?: PromptPlan;
  cache: CacheFlow;
  trace: Trace;
  ids: AnswerIds;
  /** The output contract (response_format's JSON schema, tool parameters), when the request sets one. */
  contract?: Contract;
  /** Where a failed small answer escalates, when the cascade applies to this request (`routing.cascade`). */
  cascade?: { to: ModelConfig };
  /** `<canary id>:<variant>` when a canary took the request (`x-gateway-variant`). */
  variant?: string;
}

export interface PlanInput {
  catalog: Catalog;
  tenant: TenantConfig;
  chat: ChatRequest;
  trace: Trace;
  env: Env;
  state: IsolateState;
  waitUntil(p: Promise<unknown>): void;
}

export function planAnswer({ catalog, tenant, chat, trace, env, state, waitUntil }: PlanInput): AnswerPlan {
  const routed = trace.run('route', (span) => {
    const r = resolveModel(catalog, tenant, chat.model, chat);
    fitToModel(chat, r.model, r.reason === 'requested');
    span.set({ model: r.model.id, tier: r.tier, reason: r.reason });
    return r;
  });
  const fanout = planFanout(chat, catalog.config);
  // A canary may put another model or prompt version in place of the routed one: before the cache
  // key, which holds both. The client did not choose a canary's model: its limits clamp.
  const { resolved, template, variant } = applyCanary({ catalog, tenant, chat, trace, env, state, waitUntil, resolved: routed, template: promptTemplate(chat, !!fanout) });
  if (resolved !== routed) fitToModel(chat, resolved.model, false);
  const prompt = planPrompt(chat, template);
  trace.set('model', resolved.model.id);
  trace.set('tier', resolved.tier);
  trace.set('route_reason', resolved.reason);
  if (resolved.pLarge !== undefined) trace.set('route_p_large', Math.round(resolved.pLarge * 1000) / 1000);
  trace.set('stream', !!chat.stream);
  const semantic = (read: (key: string) => Promise<CachedAnswer | undefined>) => semanticCacheFor({ catalog, tenant, env, state, trace, read });
  const cache = new CacheFlow({ env, config: catalog.config, tenant, chat, model: resolved.model.id, prompt, trace, state: state.cache, semantic, waitUntil });
  const ids = { id: `chatcmpl-${trace.requestId.slice(4)}`, created: Math.floor(Date.now() / 1000), model: resolved.model.id };
  const contract = contractOf(chat as Record<string, unknown>);
  const cascade = cascadeTarget(catalog, chat, resolved);
  return { chat, resolved, fanout, prompt, cache, trace, ids, contract, variant, ...(cascade ? { cascade } : {}) };
}
