import { describe, expect, it } from 'vitest';
import { FakeClock } from '../util/clock';
import { LayeredCache } from './layered';
import { MemoryLayer, type CacheLayer } from './layers';

/** A layer over a plain map, or one that always fails: the edges, not the logic under test. */
function mapLayer(name: CacheLayer['name'], fail = false): CacheLayer & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    name,
    data,
    get: async (k) => {
      if (fail) throw new Error('down');
      return data.get(k);
    },
    set: async (k, v) => {
      if (fail) throw new Error('down');
      data.set(k, v);
    },
    delete: async (k) => {
      if (fail) throw new Error('down');
      data.delete(k);
    },
  };
}

describe('MemoryLayer (fake clock)', () => {
  it('expires entries after their TTL', async () => {
    const clock = new FakeClock();
    const m = new MemoryLayer(clock);
    await m.set('k', 'v', 30);
    clock.advance(29_999);
    expect(await m.get('k')).toBe('v');
    clock.advance(1);
    expect(await m.get('k')).toBeUndefined();
  });

  it('stays within its byte budget, evicting the least recently used', async () => {
    const m = new MemoryLayer(new FakeClock(), 1000);
    await m.set('a', 'x'.repeat(200), 60);
    await m.set('b', 'x'.repeat(200), 60);
    await m.get('a');
    for (let i = 0; i < 10; i++) await m.set(`n${i}`, 'x'.repeat(200), 60);
    expect(await m.get('b')).toBeUndefined();
    expect(await m.get('n9')).toBeDefined();
  });
});

describe('LayeredCache', () => {
  it('reads through in order and back-fills the faster layers on a slower hit', async () => {
    const [l1, l2, l3] = [mapLayer('memory'), mapLayer('redis'), mapLayer('kv')];
    l3.data.set('k', 'answer');
    const cache = new LayeredCache([l1, l2, l3].map((layer) => ({ layer, ttlSeconds: 60 })));
    const hit = await cache.get('k');
    expect(hit?.layer).toBe('kv');
    await hit!.backfill;
    expect(l1.data.get('k')).toBe('answer');
    expect(l2.data.get('k')).toBe('answer');
    expect((await cache.get('k'))?.layer).toBe('memory');
  });

  it('skips a failing layer on read and write, never failing the caller', async () => {
    const [l1, l2, l3] = [mapLayer('memory'), mapLayer('redis', true), mapLayer('kv')];
    const cache = new LayeredCache([l1, l2, l3].map((layer) => ({ layer, ttlSeconds: 60 })));
    await cache.set('k', 'v');
    expect(l3.data.get('k')).toBe('v');
    l1.data.clear();
    expect((await cache.get('k'))?.layer).toBe('kv');
    expect(cache.failures.slice(0, 2)).toEqual(['redis:write', 'redis:read']);
  });

  it('delete removes an entry from every layer, and a failing layer is recorded, not thrown', async () => {
    const m = mapLayer('memory');
    const bad = mapLayer('redis', true);
    const k = mapLayer('kv');
    m.data.set('x', '1');
    k.data.set('x', '1');
    const cache = new LayeredCache([{ layer: m, ttlSeconds: 60 }, { layer: bad, ttlSeconds: 60 }, { layer: k, ttlSeconds: 60 }]);
    await cache.delete('x');
    expect([m.data.has('x'), k.data.has('x')]).toEqual([false, false]);
    expect(cache.failures).toContain('redis:delete');
  });
});
