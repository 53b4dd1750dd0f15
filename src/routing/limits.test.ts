import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../chat-request';
import type { ModelConfig } from '../config';
import { fitToModel } from './limits';

const model = { id: 'm', contextWindow: 1000, maxOutputTokens: 300 } as ModelConfig;
const chat = (extra: Record<string, unknown> = {}, chars = 400): ChatRequest =>
  ({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(chars) }], ...extra }) as ChatRequest;

describe('fitToModel', () => {
  it('refuses a prompt larger than the context window, whoever chose the model', () => {
    for (const named of [true, false]) {
      expect(() => fitToModel(chat({}, 4000), model, named)).toThrow(expect.objectContaining({ status: 400, code: 'context_length_exceeded', param: 'messages' }));
    }
  });

  it('refuses max_tokens over the model\'s output limit when the client named the model', () => {
    expect(() => fitToModel(chat({ max_tokens: 1e15 }), model, true)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_value', param: 'max_tokens' }));
  });

  it('refuses prompt + max_tokens over the window when the client named the model', () => {
    const c = chat({ max_completion_tokens: 300 }, 3000); // 750 prompt tokens + 300 > 1000
    expect(() => fitToModel(c, model, true)).toThrow(expect.objectContaining({ code: 'context_length_exceeded', param: 'max_tokens' }));
  });

  it('clamps to what fits when the gateway chose the model', () => {
    const c = chat({ max_tokens: 1e15, max_completion_tokens: 280 }, 3000);
    fitToModel(c, model, false);
    expect([c.max_tokens, c.max_completion_tokens]).toEqual([250, 250]);
  });

  it('leaves a request that fits alone', () => {
    const c = chat({ max_tokens: 100 });
    fitToModel(c, model, true);
    expect(c.max_tokens).toBe(100);
  });
});
