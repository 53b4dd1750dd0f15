import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../chat-request';
import { routeFeatures } from './features';
import { decideTier, DEFAULT_POLICY, ROUTER_WEIGHTS, ruleTier } from './router';

const features = (content: string, extra: Partial<ChatRequest> = {}) =>
  routeFeatures({ model: 'auto', messages: [{ role: 'user', content }], ...extra } as ChatRequest);
const rule = (content: string) => ruleTier(features(content), DEFAULT_POLICY);
const learned = (content: string) => decideTier(features(content), DEFAULT_POLICY);

describe('the keyword rules (the explanation)', () => {
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
    expect(rule(content)).toEqual({ tier, reason });
  });

  it('sends synthesis over a long input large, but a long input with a simple ask small', () => {
    const doc = 'The committee met on Tuesday and discussed the budget at length. '.repeat(200);
    expect(rule(`${doc}\n\nCompare every decision with the previous meeting.`).reason).toBe('long-synthesis');
    expect(rule(`${doc}\n\nGive me three bullet points.`).tier).toBe('small');
  });

  it('reads cues from the instruction, not from a pasted document’s middle', () => {
    const middle = `${'plain text. '.repeat(200)} prove the theorem by induction ${'plain text. '.repeat(200)}`;
    expect(rule(middle).tier).toBe('small');
  });

  it('goes large for tool results to combine', () => {
    const withToolResult = {
      model: 'auto',
      messages: [
        { role: 'user', content: 'What is the weather?' },
        { role: 'tool', content: '{"temp": 3}', tool_call_id: 'c1' },
      ],
    } as unknown as ChatRequest;
    expect(ruleTier(routeFeatures(withToolResult), DEFAULT_POLICY).reason).toBe('structured');
  });

  it('decide alone with router "rules", without a probability', () => {
    expect(decideTier(features('Prove it by induction.'), { ...DEFAULT_POLICY, router: 'rules' })).toEqual({ tier: 'large', reason: 'math' });
  });
});

describe('the learned router', () => {
  it('decides by P(large) against the shipped threshold, and says P(large)', () => {
    for (const content of ['hi there', 'Our Go service deadlocks under load:\n```go\nmu.Lock()\nch <- v\n```\nwhy?', '明天去北京旅游，十月份需要带什么衣服？']) {
      const d = learned(content);
      expect(d.pLarge).toBeGreaterThanOrEqual(0);
      expect(d.pLarge).toBeLessThanOrEqual(1);
      expect(d.tier).toBe(d.pLarge! >= ROUTER_WEIGHTS.threshold ? 'large' : 'small');
    }
    expect(learned('hi there').tier).toBe('small');
    expect(learned('Our Go service deadlocks under load:\n```go\nmu.Lock()\nch <- v\n```\nwhy?').tier).toBe('large');
  });

  it('explains with the first matching rule when it agrees, else says "learned"', () => {
    for (const content of ['hi there', 'Prove that there are infinitely many primes.', 'What is the capital of France?', 'How do I reverse a list in Python?']) {
      const d = learned(content);
      const r = rule(content);
      expect(d.reason).toBe(d.tier === r.tier ? r.reason : 'learned');
    }
  });

  it('respects the tenant ceiling', () => {
    expect(decideTier(features('Prove it.'), { ...DEFAULT_POLICY, maxTier: 'small' })).toEqual({ tier: 'small', reason: 'tenant-ceiling' });
  });

  it('is deterministic', () => {
    expect(learned('Prove that sqrt(2) is irrational.')).toEqual(learned('Prove that sqrt(2) is irrational.'));
  });
});
