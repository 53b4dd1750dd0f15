import type { CacheLayer } from './layers';

export interface LayerTtl {
  layer: CacheLayer;
  ttlSeconds: number;
}

/** Told when a layer is read; the function it returns is told the outcome (a trace span per layer). */
export type LayerObserver = (layer: CacheLayer['name']) => (outcome: 'hit' | 'miss' | 'error') => void;

export interface CacheHit {
  value: string;
  layer: CacheLayer['name'];
  /** Back-fill of the faster layers: hand it to waitUntil. */
  backfill: Promise<void>;
}

/**
 * Read-through over the layers, fastest first; a hit in a slower layer back-fills the faster
 * ones. A layer that fails is skipped (counted in `failures`) — the cache never fails a request.
 * Writes go to every layer and are returned as one promise for `waitUntil`.
 */
export class LayeredCache {
  failures: string[] = [];

  constructor(private readonly layers: readonly LayerTtl[]) {}

  /** Reads layers `from`..`to` (all by default), fastest first. */
  async get(key: string, from = 0, to = this.layers.length, observe?: LayerObserver): Promise<CacheHit | undefined> {
    for (let i = from; i < Math.min(to, this.layers.length); i++) {
      const { layer } = this.layers[i]!;
      const read = observe?.(layer.name);
      let value: string | undefined;
      try {
        value = await layer.get(key);
      } catch {
        this.failures.push(`${layer.name}:read`);
        read?.('error');
        continue;
      }
      read?.(value === undefined ? 'miss' : 'hit');
      if (value === undefined) continue;
      const backfill = this.write(key, value, this.layers.slice(0, i));
      return { value, layer: layer.name, backfill };
    }
    return undefined;
  }

  set(key: string, value: string): Promise<void> {
    return this.write(key, value, this.layers);
  }

  /** Removes an entry from every layer; a layer that fails is recorded, never thrown. */
  async delete(key: string): Promise<void> {
    await Promise.all(this.layers.map(({ layer }) => layer.delete(key).catch(() => void this.failures.push(`${layer.name}:delete`))));
  }

  private async write(key: string, value: string, layers: readonly LayerTtl[]): Promise<void> {
    await Promise.all(
      layers.map(({ layer, ttlSeconds }) =>
        layer.set(key, value, ttlSeconds).catch(() => void this.failures.push(`${layer.name}:write`)),
      ),
    );
  }
}
