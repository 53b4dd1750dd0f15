import type { SemanticCacheConfig } from '../../config';
import type { OpenSpan, Trace } from '../../telemetry/trace';
import { abortable, withTimeout } from '../../util/deadlines';
import type { CachedAnswer } from '../answer';
import { guardSemanticHit, type SemanticAsk } from './guards';
import type { VectorIndex } from './port';

/** Nearest neighbours asked of the index per lookup: the best few, in case the first fails a guard. */
const TOP_K = 5;
/** How long a miss's embedding may still take, off the response's path, to be remembered. */
const REMEMBER_WAIT_MS = 5_000;

export interface SemanticDeps {
  tenantId: string;
  settings: Pick<SemanticCacheConfig, 'threshold' | 'deadlineMs'> & { embeddingModel: string };
  index: VectorIndex;
  /** One text's embedding with the tenant's embedding model, and what it cost. */
  embed(text: string, signal: AbortSignal, parent: OpenSpan): Promise<{ vector: number[]; costUsd: number }>;
  /** The exact cache's answer under a key (a vector's metadata names it), if still there. */
  read(key: string): Promise<CachedAnswer | undefined>;
  trace: Trace;
}

/** What the asking request is; tenant and embedding model are the cache's own. */
export type SemanticQuery = Omit<SemanticAsk, 'tenant' | 'embeddingModel'>;

export type SemanticOutcome =
  | { hit: true; answer: CachedAnswer; similarity: number; costUsd: number }
  /** `remember` stores this prompt's vector once its answer is in the exact cache under `key`: for `waitUntil`. */
  | { hit: false; costUsd: number; remember(key: string): Promise<void> };

/**
 * The fourth cache layer, asked after the exact layers missed: embed the prompt's last user
 * message, find its nearest earlier prompts of this tenant, and answer with the first one over the
 * tenant's threshold that passes every guard — its answer read from the exact cache by the key
 * its vector carries. The whole lookup has `deadlineMs`: a slow or failing embedding, index or
 * read is a miss, never an error. A miss hands back `remember`, so the vector it computed (the
 * embedding may finish after the deadline) is stored with the answer, without a second call.
 */
export class SemanticCache {
  constructor(private readonly d: SemanticDeps) {}

  async lookup(query: SemanticQuery, signal: AbortSignal, parent?: OpenSpan): Promise<SemanticOutcome> {
    const { trace, settings, tenantId, index } = this.d;
    const ask: SemanticAsk = { ...query, tenant: tenantId, embeddingModel: settings.embeddingModel };
    const span = trace.span('cache semantic', { parent });
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(settings.deadlineMs)]);
    let costUsd = 0;
    // Not cut by the deadline (only by the client leaving): a late vector is still remembered.
    const embedding = this.d.embed(ask.text, signal, span).then((e) => {
      costUsd = e.costUsd;
      return e.vector;
    });
    embedding.catch(() => {});
    const miss = (outcome: string, attrs: Record<string, string | number> = {}): SemanticOutcome => {
      span({ outcome, ...attrs });
      trace.set('semantic', outcome);
      return { hit: false, costUsd, remember: (key) => this.remember(ask, embedding, key) };
    };
    try {
      const vector = await abortable(embedding, deadline);
      const matches = await abortable(index.query(tenantId, vector, TOP_K), deadline);
      const prefix = `gw:c:${encodeURIComponent(tenantId)}:`;
      let rejected = '';
      for (const m of [...matches].sort((a, b) => b.score - a.score)) {
        if (m.score < settings.threshold) break;
        const verdict = guardSemanticHit(ask, m.metadata);
        if (!verdict.ok) {
          rejected ||= verdict.reason;
          continue;
        }
        if (!m.metadata.key.startsWith(prefix)) continue; // never another tenant's entry, whatever the index holds
        const answer = await abortable(this.d.read(m.metadata.key), deadline);
        if (!answer) continue; // the answer expired before its vector
        const similarity = Math.round(m.score * 1e4) / 1e4;
        span({ outcome: 'hit', similarity });
        trace.set('semantic', 'hit');
        trace.set('cache_similarity', similarity);
        return { hit: true, answer, similarity, costUsd };
      }
      const best = matches.length ? Math.max(...matches.map((m) => m.score)) : 0;
      return miss(rejected ? 'guarded' : 'miss', { best_similarity: Math.round(best * 1e4) / 1e4, ...(rejected ? { guard: rejected } : {}) });
    } catch {
      return miss(deadline.aborted && !signal.aborted ? 'timeout' : 'error');
    }
  }

  private async remember(ask: SemanticAsk, embedding: Promise<number[]>, key: string): Promise<void> {
    try {
      const vector = await withTimeout(embedding, REMEMBER_WAIT_MS);
      // The cache key's hash: unique per answer, and within Vectorize's 64-byte id limit.
      const id = key.slice(key.lastIndexOf(':') + 1);
      await this.d.index.upsert(this.d.tenantId, [{ id, values: vector, metadata: { ...ask, key } }]);
    } catch {
      this.d.trace.set('semantic_store', 'failed');
    }
  }
}
