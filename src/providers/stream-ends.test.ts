import { describe, expect, it } from 'vitest';
import { StreamEnds, TRUSTED_AFTER } from './stream-ends';

describe('StreamEnds', () => {
  const url = 'https://east.example.com/v1/chat/completions';

  it('batching is earned: only after TRUSTED_AFTER prompt ends, per endpoint', () => {
    const ends = new StreamEnds();
    expect(ends.batchable(url)).toBe(false);
    expect(ends.learning(url)).toBe(true);
    for (let i = 1; i < TRUSTED_AFTER; i++) ends.observe(url, true);
    expect(ends.batchable(url)).toBe(false);
    ends.observe(url, true);
    expect(ends.batchable(url)).toBe(true);
    expect(ends.learning(url)).toBe(false);
    expect(ends.batchable('https://west.example.com/v1/chat/completions')).toBe(false);
  });

  it('a deadline in a batched read sends the endpoint back to learning; a held one stays held', () => {
    const ends = new StreamEnds();
    for (let i = 0; i < TRUSTED_AFTER; i++) ends.observe(url, true);
    ends.forget(url);
    expect(ends.batchable(url)).toBe(false);
    expect(ends.learning(url)).toBe(true);
    for (let i = 0; i < TRUSTED_AFTER; i++) ends.observe(url, true);
    expect(ends.batchable(url)).toBe(true);
    ends.observe(url, false);
    ends.forget(url);
    expect(ends.learning(url)).toBe(false);
    expect(ends.batchable(url)).toBe(false);
  });

  it('one response held open and never again, whatever came before or after', () => {
    const ends = new StreamEnds();
    for (let i = 0; i < TRUSTED_AFTER; i++) ends.observe(url, true);
    ends.observe(url, false);
    expect(ends.batchable(url)).toBe(false);
    expect(ends.learning(url)).toBe(false);
    for (let i = 0; i < 10; i++) ends.observe(url, true);
    expect(ends.batchable(url)).toBe(false);
  });
});
