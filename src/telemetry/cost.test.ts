import { describe, expect, it } from 'vitest';
import { billedTokens, costUsd, pricesFor, type Prices } from './cost';
import type { Usage } from './trace';

// Prices in USD per 1M tokens, like a catalog entry: input 2.00, cached input 0.50, cache writes
// 2.50, output 8.00, reasoning priced as output unless stated.
const P: Prices = { inputPer1M: 2, outputPer1M: 8, cachedInputPer1M: 0.5, cacheWritePer1M: 2.5 };
const usd = (micro: number) => micro / 1e6;

/** Usage objects in the shapes providers document for their OpenAI-compatible Chat Completions. */
const SHAPES: Array<[string, Usage, { input: number; cachedInput: number; cacheWrite: number; output: number; reasoning: number }]> = [
  [
    'OpenAI: cached_tokens and reasoning_tokens inside the totals',
    { prompt_tokens: 2006, completion_tokens: 300, total_tokens: 2306, prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 192, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } } as Usage,
    { input: 86, cachedInput: 1920, cacheWrite: 0, output: 108, reasoning: 192 },
  ],
  [
    'DeepSeek: prompt_cache_hit_tokens / prompt_cache_miss_tokens',
    { prompt_tokens: 1000, completion_tokens: 50, total_tokens: 1050, prompt_cache_hit_tokens: 640, prompt_cache_miss_tokens: 360 } as Usage,
    { input: 360, cachedInput: 640, cacheWrite: 0, output: 50, reasoning: 0 },
  ],
  [
    'DeepSeek reasoner: reasoning_tokens in completion_tokens_details',
    { prompt_tokens: 20, completion_tokens: 500, total_tokens: 520, prompt_cache_hit_tokens: 0, prompt_cache_miss_tokens: 20, completion_tokens_details: { reasoning_tokens: 420 } } as Usage,
    { input: 20, cachedInput: 0, cacheWrite: 0, output: 80, reasoning: 420 },
  ],
  [
    'OpenRouter: cached_tokens and cache_write_tokens inside prompt_tokens',
    { prompt_tokens: 5000, completion_tokens: 100, total_tokens: 5100, prompt_tokens_details: { cached_tokens: 3000, cache_write_tokens: 1500 }, completion_tokens_details: { reasoning_tokens: 0 } } as Usage,
    { input: 500, cachedInput: 3000, cacheWrite: 1500, output: 100, reasoning: 0 },
  ],
  [
    'Anthropic naming: cache read and creation counted apart from prompt_tokens',
    { prompt_tokens: 40, completion_tokens: 10, total_tokens: 50, cache_read_input_tokens: 1200, cache_creation_input_tokens: 300 } as Usage,
    { input: 40, cachedInput: 1200, cacheWrite: 300, output: 10, reasoning: 0 },
  ],
  ['Groq / plain: no details', { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 }, { input: 100, cachedInput: 0, cacheWrite: 0, output: 20, reasoning: 0 }],
  [
    'details that do not fit their totals are ignored (reasoning over completion is capped)',
    { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: -3 }, completion_tokens_details: { reasoning_tokens: 99 } } as Usage,
    { input: 10, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 5 },
  ],
];

describe('billedTokens and costUsd over documented usage shapes', () => {
  it.each(SHAPES)('%s', (_name, usage, billed) => {
    expect(billedTokens(usage)).toEqual(billed);
    const expected = usd(billed.input * 2 + billed.cachedInput * 0.5 + billed.cacheWrite * 2.5 + billed.output * 8 + billed.reasoning * 8);
    expect(costUsd(usage, P)).toBeCloseTo(expected, 12);
  });

  it('OpenAI\'s documented arithmetic: 2,006 prompt (1,920 cached) + 300 completion at 2.00 / 0.50 / 8.00', () => {
    // (86 × 2.00 + 1,920 × 0.50 + 300 × 8.00) / 1e6 = (172 + 960 + 2,400) / 1e6
    expect(costUsd(SHAPES[0]![1], P)).toBe(0.003532);
  });

  it('reasoning priced apart when the catalog says so', () => {
    expect(costUsd(SHAPES[2]![1], { ...P, reasoningPer1M: 20 })).toBeCloseTo(usd(20 * 2 + 80 * 8 + 420 * 20), 12);
  });

  it('without special prices, cached input and writes cost the input price', () => {
    expect(costUsd(SHAPES[3]![1], { inputPer1M: 2, outputPer1M: 8 })).toBeCloseTo(usd(5000 * 2 + 100 * 8), 12);
  });

  it('an endpoint\'s prices override the model\'s, field by field', () => {
    expect(pricesFor(P, { prices: { inputPer1M: 1 } })).toEqual({ ...P, inputPer1M: 1 });
    expect(pricesFor(P, {})).toBe(P);
  });
});
