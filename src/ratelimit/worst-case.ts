import type { Catalog } from '../catalog';
import type { ChatRequest } from '../chat-request';
import type { ModelConfig, TenantConfig } from '../config';
import { resolveModel } from '../routing/resolve-model';

/**
 * The most a request can cost, reserved against the tenant's `usdPerDay` before it runs: the
 * prompt estimate at the input price plus the output limit at the output (or reasoning) price,
 * for the model it will be routed to — or its fallback, if that is dearer. The output limit is
 * `max_completion_tokens` / `max_tokens`, else the model's `maxOutputTokens`, else
 * `rateLimit.defaultMaxTokens`; a request without a limit that writes more is still charged in
 * full when it settles.
 */
export function worstCaseUsd(catalog: Catalog, tenant: TenantConfig, chat: ChatRequest, promptTokens: number): number {
  const { model } = resolveModel(catalog, tenant, chat.model, chat);
  const fallback = model.fallback ? catalog.modelById.get(model.fallback) : undefined;
  // The prompt the provider sees also holds the retrieved context (up to its token budget).
  const retrieval = chat.gateway?.retrieval;
  const input = promptTokens + (retrieval ? (retrieval.maxContextTokens ?? catalog.config.retrieval.maxContextTokens) : 0);
  const cost = (m: ModelConfig) => {
    // Every choice writes up to the limit; a contract may re-ask once (a second full call).
    const choices = chat.n ?? 1;
    const calls = chat.response_format?.type === 'json_schema' || chat.tools?.length ? 2 : 1;
    const output = (chat.max_completion_tokens ?? chat.max_tokens ?? m.maxOutputTokens ?? catalog.config.rateLimit.defaultMaxTokens) * choices * calls;
    const inputPrice = Math.max(m.inputPer1M, m.cacheWritePer1M ?? 0, ...m.endpoints.map((e) => e.prices?.inputPer1M ?? 0));
    const outputPrice = Math.max(m.outputPer1M, m.reasoningPer1M ?? 0, ...m.endpoints.map((e) => Math.max(e.prices?.outputPer1M ?? 0, e.prices?.reasoningPer1M ?? 0)));
    return (input * calls * inputPrice + output * outputPrice) / 1e6;
  };
  return Math.max(cost(model), fallback ? cost(fallback) : 0);
}
