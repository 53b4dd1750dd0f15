import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../chat-request';
import { routeFeatures } from './features';
import { decideTier, DEFAULT_POLICY } from './router';

const ask = (content: string, extra: Partial<ChatRequest> = {}) =>
  decideTier(routeFeatures({ model: 'auto', messages: [{ role: 'user', content }], ...extra } as ChatRequest), DEFAULT_POLICY);

describe('router', () => {
  it.each([
    ['What is the capital of Australia?', 'small', 'simple'],
    ['hey, how was your weekend? mine was all yoga class and Java coffee', 'small', 'simple'],
    ['How do I reverse a list in Python?', 'small', 'simple'],
    ['What is 15% of 80?', 'small', 'simple'],
    ['Our Go service deadlocks under load:\n```go\nmu.Lock()\nch <- v\n```\nwhy?', 'large', 'hard-code'],
    ['Prove that there are infinitely many primes.', 'large', 'math'],
    ['What is the probability of two sixes in three rolls?', 'large', 'math'],
    ['Walk me through the root cause, step by step.', 'large', 'reasoning'],
  ])('%j → %s (%s)', (content, tier, reason) => {
    expect(ask(content)).toEqual({ tier, reason });
  });

  it('sends synthesis over a long input large, but a long input with a simple ask small', () => {
    const doc = 'The committee met on Tuesday and discussed the budget at length. '.repeat(200);
    expect(ask(`${doc}\n\nCompare every decision with the previous meeting.`).reason).toBe('long-synthesis');
    expect(ask(`${doc}\n\nGive me three bullet points.`).tier).toBe('small');
  });

  it('reads cues from the instruction, not from a pasted document’s middle', () => {
    const middle = `${'plain text. '.repeat(200)} prove the theorem by induction ${'plain text. '.repeat(200)}`;
    expect(ask(middle).tier).toBe('small');
  });

  it('goes large for tool results to combine or many tools', () => {
    const withToolResult = {
      model: 'auto',
      messages: [
        { role: 'user', content: 'What is the weather?' },
        { role: 'tool', content: '{"temp": 3}', tool_call_id: 'c1' },
      ],
    } as unknown as ChatRequest;
    expect(decideTier(routeFeatures(withToolResult), DEFAULT_POLICY).reason).toBe('structured');
  });

  it('respects the tenant ceiling', () => {
    const f = routeFeatures({ model: 'auto', messages: [{ role: 'user', content: 'Prove it.' }] } as ChatRequest);
    expect(decideTier(f, { ...DEFAULT_POLICY, maxTier: 'small' })).toEqual({ tier: 'small', reason: 'tenant-ceiling' });
  });

  it('is deterministic', () => {
    expect(ask('Prove that sqrt(2) is irrational.')).toEqual(ask('Prove that sqrt(2) is irrational.'));
  });
});
