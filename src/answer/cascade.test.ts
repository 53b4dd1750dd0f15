import { describe, expect, it } from 'vitest';
import { contractOf } from '../contracts/contract';
import { cascadeReason } from './cascade';

const answer = (message: Record<string, unknown>, finish_reason = 'stop') => ({ choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason }] });

describe('cascadeReason', () => {
  it('lets a real answer stand', () => {
    expect(cascadeReason(answer({ content: 'Paris.' }), undefined)).toBeUndefined();
    expect(cascadeReason(answer({ content: "I can't promise it, but here is how: first…".padEnd(400, ' x') }), undefined)).toBeUndefined();
  });

  it('fails an empty answer, a refusal, an answer cut by length', () => {
    expect(cascadeReason(answer({ content: '  ' }), undefined)).toBe('empty');
    expect(cascadeReason({ choices: [] }, undefined)).toBe('empty');
    expect(cascadeReason(answer({ content: "I'm sorry, but I can't help with that." }), undefined)).toBe('refusal');
    expect(cascadeReason(answer({ content: null, refusal: 'No.' }), undefined)).toBe('refusal');
    expect(cascadeReason(answer({ content: 'The answer is' }, 'length'), undefined)).toBe('length');
  });

  it('fails an answer its contract finds invalid (after local repair)', () => {
    const contract = contractOf({
      response_format: { type: 'json_schema', json_schema: { name: 'w', schema: { type: 'object', properties: { t: { type: 'number' } }, required: ['t'] } } },
    })!;
    expect(cascadeReason(answer({ content: '{"t":"cold"}' }), contract)).toBe('contract');
    expect(cascadeReason(answer({ content: '```json\n{"t":3}\n```' }), contract)).toBeUndefined();
  });
});
