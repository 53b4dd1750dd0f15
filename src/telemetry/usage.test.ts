import { describe, expect, it } from 'vitest';
import { costUsd } from './cost';
import { readUsage } from './usage';

describe('readUsage', () => {
  it('keeps a provider usage whole, details included', () => {
    const u = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 2 } };
    expect(readUsage(u)).toBe(u);
  });

  it('fills in a missing total', () => {
    expect(readUsage({ prompt_tokens: 1, completion_tokens: 2 })).toEqual({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
  });

  it.each([
    ['negative', { prompt_tokens: -1000, completion_tokens: 5 }],
    ['missing prompt_tokens', { completion_tokens: 5 }],
    ['huge', { prompt_tokens: 1e308, completion_tokens: 5 }],
    ['fractional', { prompt_tokens: 1.5, completion_tokens: 5 }],
    ['a string', { prompt_tokens: '10', completion_tokens: 5 }],
    ['not an object', 'lots'],
  ])('refuses usage that is %s', (_name, raw) => {
    expect(readUsage(raw)).toBeUndefined();
  });
});

describe('costUsd', () => {
  it('is finite and never negative, whatever reaches it', () => {
    const prices = { inputPer1M: 1, outputPer1M: 2 };
    expect(costUsd({ prompt_tokens: 1_000_000, completion_tokens: 500_000 }, prices)).toBe(2);
    expect(costUsd({ prompt_tokens: -5, completion_tokens: 0 }, prices)).toBe(0);
    expect(costUsd({ prompt_tokens: Infinity, completion_tokens: 0 }, prices)).toBe(0);
    expect(costUsd({ prompt_tokens: NaN, completion_tokens: 0 }, prices)).toBe(0);
  });
});
