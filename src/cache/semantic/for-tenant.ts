import type { Catalog } from '../../catalog';
import type { TenantConfig } from '../../config';
import type { Env } from '../../env';
import { embedWithFailover, floatsOf } from '../../embeddings/upstream';
import type { IsolateState } from '../../state';
import type { Trace } from '../../telemetry/trace';
import type { CachedAnswer } from '../answer';
import type { GatewayVectors } from './durable-object';
import { DurableObjectVectorIndex } from './do-index';
import type { VectorIndex } from './port';
import { SemanticCache } from './semantic';
import { VectorizeVectorIndex } from './vectorize';

export interface SemanticInput {
  catalog: Catalog;
  tenant: TenantConfig;
  env: Env;
  state: IsolateState;
  trace: Trace;
  read(key: string): Promise<CachedAnswer | undefined>;
}

/**
 * The tenant's semantic cache, when it opted in and its index is bound: the GATEWAY_VECTORS
 * Durable Object, or GATEWAY_VECTORIZE for `index: "vectorize"`. Embeddings go to the tenant's
 * embedding model through the catalog's endpoints (breakers and retry budget included).
 */
export function semanticCacheFor({ catalog, tenant, env, state, trace, read }: SemanticInput): SemanticCache | undefined {
  const settings = tenant.semanticCache;
  if (!settings?.enabled || !settings.embeddingModel) return undefined;
  const model = catalog.modelById.get(settings.embeddingModel);
  const index = indexFor(settings.index, env);
  if (!model || !index) {
    trace.set('semantic', 'unavailable');
    return undefined;
  }
  return new SemanticCache({
    tenantId: tenant.id,
    settings: { ...settings, embeddingModel: model.id },
    index,
    trace,
    read,
    async embed(text, signal, parent) {
      const e = await embedWithFailover({
        catalog,
        model,
        state: state.resilience.for(catalog.config),
        env: env as unknown as Record<string, unknown>,
        trace,
        signal,
        body: { input: text },
        inputs: [text],
        parent,
      });
      return { vector: floatsOf(e.body.data[0]!.embedding), costUsd: e.costUsd };
    },
  });
}

function indexFor(kind: 'durable-object' | 'vectorize', env: Env): VectorIndex | undefined {
  if (kind === 'vectorize') return env.GATEWAY_VECTORIZE ? new VectorizeVectorIndex(env.GATEWAY_VECTORIZE) : undefined;
  return env.GATEWAY_VECTORS ? new DurableObjectVectorIndex(env.GATEWAY_VECTORS as unknown as DurableObjectNamespace<GatewayVectors>) : undefined;
}
