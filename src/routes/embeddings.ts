import type { Context } from 'hono';
import { canonicalJson } from '../cache/key';
import { embedWithFailover } from '../embeddings/upstream';
import { inputsOf, resolveEmbeddingModel, type EmbeddingsRequest } from '../embeddings/request';
import type { AppEnv } from '../pipeline/context';
import { sha256Hex } from '../util/sha256';

/**
 * POST /v1/embeddings (OpenAI Embeddings compatible) for catalog models of kind `embedding`: the
 * same auth and limits as chat (the rate-limit stage reserves the input's tokens), the exact
 * cache (embeddings are deterministic: every request is cacheable unless the tenant turned its
 * cache off), and cost from `usage.prompt_tokens` × the model's `inputPer1M`. The provider's body
 * is passed on whole, with the gateway's metadata in `gateway`.
 */
export async function embeddings(c: Context<AppEnv>): Promise<Response> {
  const { catalog, tenant, trace, state, embeddings: request } = c.var;
  const model = trace.run('route', (span) => {
    const m = resolveEmbeddingModel(catalog, tenant, request);
    span.set({ model: m.id, reason: 'requested' });
    return m;
  });
  trace.set('model', model.id);
  const headers: Record<string, string> = { 'x-gateway-model': model.id };
  const cache = tenant.cache ? state.cache.layers(c.env, catalog.config) : undefined;
  const key = cache && (await embeddingsKey(tenant.id, model.id, request));
  if (cache && key) {
    const end = trace.span('cache');
    const hit = await cache.get(key);
    const body = hit && parseStored(hit.value);
    end({ status: body ? `hit-${hit.layer}` : 'miss' });
    if (hit && body) {
      c.executionCtx.waitUntil(hit.backfill);
      const status = `hit-${hit.layer}`;
      trace.set('cache', status);
      trace.set('cost_usd', 0);
      return c.json({ ...body, gateway: { request_id: trace.requestId, cache: status, cost_usd: 0 } }, 200, { ...headers, 'x-gateway-cache': status, 'x-gateway-cost-usd': '0' });
    }
  }
  const status = cache ? 'miss' : 'bypass';
  trace.set('cache', status);
  const embedded = await embedWithFailover({
    catalog,
    model,
    state: state.resilience.for(catalog.config),
    env: c.env as unknown as Record<string, unknown>,
    trace,
    signal: c.req.raw.signal,
    body: request,
    inputs: inputsOf(request),
  });
  trace.usage = embedded.usage;
  if (embedded.usageEstimated) trace.set('usage_estimated', true);
  trace.set('endpoint', embedded.endpoint.id);
  trace.set('served_model', model.id);
  trace.set('cost_usd', embedded.costUsd);
  if (cache && key) {
    const span = trace.span('cache_write');
    const write = cache.set(key, JSON.stringify(embedded.body)).finally(() => span());
    trace.background.push(write);
    c.executionCtx.waitUntil(write);
  }
  Object.assign(headers, { 'x-gateway-cache': status, 'x-gateway-endpoint': embedded.endpoint.id, 'x-gateway-cost-usd': String(embedded.costUsd) });
  const gateway = { request_id: trace.requestId, cache: status, cost_usd: embedded.costUsd, ...(embedded.usageEstimated ? { usage_estimated: true } : {}) };
  return c.json({ ...embedded.body, gateway }, 200, headers);
}

/** Tenant-scoped, over everything that changes the vectors: model, inputs, encoding, dimensions. */
async function embeddingsKey(tenant: string, model: string, r: EmbeddingsRequest): Promise<string> {
  const canonical = canonicalJson({ v: 1, tenant, model, input: r.input, encoding_format: r.encoding_format ?? 'float', dimensions: r.dimensions });
  return `gw:e:${encodeURIComponent(tenant)}:${await sha256Hex(canonical)}`;
}

function parseStored(value: string): Record<string, unknown> | undefined {
  try {
    const body: unknown = JSON.parse(value);
    return typeof body === 'object' && body !== null && Array.isArray((body as { data?: unknown }).data) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
