import { describe, expect, it } from 'vitest';
import { tooDeepAt } from './json-depth';

const nested = (depth: number) => JSON.parse(`${'[{"a":'.repeat(depth)}1${'}]'.repeat(depth)}`);

describe('tooDeepAt', () => {
  it('accepts scalars and values within the limit', () => {
    expect(tooDeepAt('x', 1)).toBeUndefined();
    expect(tooDeepAt({ a: [1, { b: null }] }, 3)).toBeUndefined();
  });

  it('names the path of the first container past the limit', () => {
    expect(tooDeepAt({ a: [1, { b: {} }] }, 3)).toEqual(['a', 1, 'b']);
    expect(tooDeepAt({ ok: 1, x: { y: [[]] } }, 3)).toEqual(['x', 'y', 0]);
  });

  it('does not overflow the stack on 200,000 levels', () => {
    const path = tooDeepAt(nested(100_000), 64);
    expect(path).toHaveLength(64);
    expect(path!.slice(0, 3)).toEqual([0, 'a', 0]);
  });
});
