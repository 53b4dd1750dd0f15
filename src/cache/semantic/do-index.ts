import type { GatewayVectors } from './durable-object';
import type { VectorIndex, VectorItem, VectorMatch } from './port';

/** The VectorIndex port over the GATEWAY_VECTORS namespace: each tenant (`ns`) is its own instance. */
export class DurableObjectVectorIndex implements VectorIndex {
  constructor(private readonly namespace: DurableObjectNamespace<GatewayVectors>) {}

  query(ns: string, vector: number[], topK: number): Promise<VectorMatch[]> {
    return this.stub(ns).query(ns, vector, topK) as Promise<VectorMatch[]>;
  }

  async upsert(ns: string, items: VectorItem[]): Promise<void> {
    await this.stub(ns).upsert(ns, items);
  }

  private stub(ns: string) {
    return this.namespace.get(this.namespace.idFromName(ns));
  }
}
