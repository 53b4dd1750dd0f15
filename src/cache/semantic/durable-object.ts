import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../../env';
import { nearest } from './cosine';
import { isSemanticMeta, type SemanticMeta, type VectorItem, type VectorMatch } from './port';

/** Vectors kept per tenant; the oldest are evicted past it (a bounded brute-force scan). @default 10000 */
export const MAX_VECTORS_PER_TENANT = 10_000;

interface Row {
  id: string;
  values: Float32Array;
  metadata: SemanticMeta;
}

/**
 * GATEWAY_VECTORS: a tenant's semantic-cache vectors, one instance per tenant
 * (`idFromName(tenant)`), in its SQLite storage (table `vectors`: id, float32 bytes, metadata
 * with the embedding model, insertion time). Queries scan an in-memory copy, loaded once per
 * instance: brute-force cosine over at most MAX_VECTORS_PER_TENANT vectors (10,000 × 256 floats
 * is 10 MB and a few ms). Runs the same locally (workerd) and deployed.
 */
export class GatewayVectors extends DurableObject<Env> {
  private rows?: Map<string, Row>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS vectors (id TEXT PRIMARY KEY, vec BLOB NOT NULL, metadata TEXT NOT NULL, at INTEGER NOT NULL)');
    ctx.storage.sql.exec('CREATE INDEX IF NOT EXISTS vectors_at ON vectors (at)');
  }

  async query(_ns: string, vector: number[], topK: number): Promise<VectorMatch[]> {
    return nearest(this.load().values(), vector, Math.max(1, Math.min(topK, 50))).map(({ entry, score }) => ({ id: entry.id, score, metadata: entry.metadata }));
  }

  async upsert(_ns: string, items: VectorItem[], maxVectors = MAX_VECTORS_PER_TENANT): Promise<void> {
    const rows = this.load();
    const sql = this.ctx.storage.sql;
    const now = Date.now();
    for (const item of items) {
      const values = Float32Array.from(item.values);
      sql.exec('INSERT OR REPLACE INTO vectors (id, vec, metadata, at) VALUES (?, ?, ?, ?)', item.id, values.buffer, JSON.stringify(item.metadata), now);
      rows.delete(item.id); // re-inserted last: the Map keeps insertion order, oldest first
      rows.set(item.id, { id: item.id, values, metadata: item.metadata });
    }
    const excess = rows.size - maxVectors;
    if (excess > 0) {
      const oldest = [...rows.keys()].slice(0, excess);
      for (const id of oldest) rows.delete(id);
      sql.exec(`DELETE FROM vectors WHERE id IN (SELECT id FROM vectors ORDER BY at, rowid LIMIT ?)`, excess);
    }
  }

  private load(): Map<string, Row> {
    if (this.rows) return this.rows;
    const rows = new Map<string, Row>();
    for (const r of this.ctx.storage.sql.exec<{ id: string; vec: ArrayBuffer; metadata: string }>('SELECT id, vec, metadata FROM vectors ORDER BY at, rowid')) {
      const metadata: unknown = JSON.parse(r.metadata);
      if (isSemanticMeta(metadata)) rows.set(r.id, { id: r.id, values: new Float32Array(r.vec), metadata });
    }
    return (this.rows = rows);
  }
}
