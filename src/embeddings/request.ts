import type { Catalog } from '../catalog';
import type { ModelConfig, TenantConfig } from '../config';
import { contextLengthExceeded, modelNotAllowed, modelNotFound, wrongModelKind } from '../errors';
import { isAllowed } from '../routing/resolve-model';
import { estimateTokens } from '../telemetry/tokens';
import * as z from '../util/zod';

const nonEmpty = z.string().check(z.minLength(1));

/**
 * What the gateway checks of an OpenAI embeddings request: text input (a string or up to 2048
 * strings; token arrays are not taken — the gateway counts and caches text), the optional
 * `encoding_format` and `dimensions`. Other fields pass through to the provider.
 */
export const embeddingsRequestSchema = z.looseObject({
  model: nonEmpty,
  input: z.union([nonEmpty, z.array(nonEmpty).check(z.minLength(1), z.maxLength(2048))], {
    error: 'must be a non-empty string or an array of 1 to 2048 non-empty strings',
  }),
  encoding_format: z.optional(z.enum(['float', 'base64'])),
  dimensions: z.optional(z.number().check(z.int(), z.positive())),
  user: z.optional(z.string()),
});

export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

/** The inputs as a list, whichever form the client sent. */
export const inputsOf = (r: EmbeddingsRequest): string[] => (typeof r.input === 'string' ? [r.input] : r.input);

/** Estimated input tokens (what the rate limit reserves, and the spend limit prices). */
export const inputTokens = (r: EmbeddingsRequest): number => inputsOf(r).reduce((n, s) => n + estimateTokens(s), 0);

/**
 * The catalog model a `/v1/embeddings` request names: an exact id of kind `embedding` the tenant
 * may use (aliases route chat answers only), each input within its context window.
 */
export function resolveEmbeddingModel(catalog: Catalog, tenant: TenantConfig, r: EmbeddingsRequest): ModelConfig {
  const model = catalog.modelById.get(r.model);
  if (!model) {
    if (r.model === 'auto' || r.model === 'small' || r.model === 'large') throw wrongModelKind(r.model, 'embedding');
    throw modelNotFound(r.model);
  }
  if (!isAllowed(tenant, r.model)) throw modelNotAllowed(r.model);
  if (model.kind !== 'embedding') throw wrongModelKind(r.model, 'embedding');
  for (const text of inputsOf(r)) {
    const tokens = estimateTokens(text);
    if (tokens >= model.contextWindow) throw contextLengthExceeded(model.id, model.contextWindow, tokens);
  }
  return model;
}
