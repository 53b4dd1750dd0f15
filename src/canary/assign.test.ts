import { describe, expect, it } from 'vitest';
import { assignVariant, bucket, conversationKey } from './assign';
import { routeCanary } from './route';
import type { CanaryConfig } from './config';

const canary = (over: Partial<CanaryConfig> = {}): CanaryConfig => ({
  id: 'rag-v3', kind: 'prompt', from: 'rag-answer@2', to: 'rag-answer@3', percent: 20, windowSeconds: 60, minRequests: 10, alarms: {}, ...over,
});

describe('canary assignment', () => {
  it('the conversation is the user, else the task, else the request', () => {
    expect(conversationKey('alice', 'T1', 'req_1')).toBe('u:alice');
    expect(conversationKey(undefined, 'T1', 'req_1')).toBe('t:T1');
    expect(conversationKey('', undefined, 'req_1')).toBe('r:req_1');
  });

  it('is sticky: the same tenant + conversation always gets the same side', () => {
    const c = canary();
    for (let i = 0; i < 200; i++) {
      const first = assignVariant(c, 'active', 'acme', `u:user-${i}`);
      for (let k = 0; k < 5; k++) expect(assignVariant(c, 'active', 'acme', `u:user-${i}`)).toBe(first);
    }
  });

  it('splits conversations near the percent, independently per tenant and canary', () => {
    const n = 20_000;
    const share = (id: string, tenant: string) => {
      let candidates = 0;
      for (let i = 0; i < n; i++) if (assignVariant({ id, percent: 20 }, 'active', tenant, `u:${i}`) === 'candidate') candidates++;
      return candidates / n;
    };
    for (const [id, tenant] of [['a', 'acme'], ['b', 'acme'], ['a', 'globex']]) expect(Math.abs(share(id!, tenant!) - 0.2)).toBeLessThan(0.015);
    // Another canary's 20 % is not the same 20 %.
    let both = 0;
    for (let i = 0; i < n; i++) if (bucket('a', 'acme', `u:${i}`) < 20 && bucket('b', 'acme', `u:${i}`) < 20) both++;
    expect(both / n).toBeLessThan(0.06);
    expect(assignVariant({ id: 'a', percent: 0 }, 'active', 'acme', 'u:x')).toBe('control');
    expect(assignVariant({ id: 'a', percent: 100 }, 'active', 'acme', 'u:x')).toBe('candidate');
  });

  it('a decided canary gives everyone its decision', () => {
    expect(assignVariant(canary({ percent: 100 }), 'rolled_back', 'acme', 'u:x')).toBe('rolled_back');
    expect(assignVariant(canary({ percent: 0 }), 'promoted', 'acme', 'u:x')).toBe('promoted');
  });

  it('routes a request to the first canary whose `from` it would use', () => {
    const canaries = [canary({ percent: 100 }), canary({ id: 'big', kind: 'model', from: 'sim-small', to: 'sim-large', percent: 100 })];
    const base = { tenant: 'acme', conversation: 'u:x', model: 'sim-small', allowed: () => true };
    const states = new Map();
    expect(routeCanary(canaries, states, { ...base, prompt: 'rag-answer@2' })?.label).toBe('rag-v3:candidate');
    expect(routeCanary(canaries, states, { ...base, prompt: 'rag-answer@1' })?.label).toBe('big:candidate');
    expect(routeCanary(canaries, states, { ...base, prompt: 'rag-answer@1', allowed: (m) => m !== 'sim-large' })).toBeUndefined();
    expect(routeCanary(canaries, new Map([['rag-v3', 'rolled_back']]), { ...base, model: 'sim-large', prompt: 'rag-answer@2' })?.label).toBe('rag-v3:rolled_back');
  });
});
