import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig, sloBudgets } from './config';

const demo = readFileSync(new URL('../config/demo.json', import.meta.url), 'utf8');
const withChange = (change: (cfg: any) => void) => {
  const cfg = JSON.parse(demo);
  change(cfg);
  return JSON.stringify(cfg);
};

describe('parseConfig', () => {
  it('accepts the demo config and fills defaults', () => {
    const result = parseConfig(withChange((c) => delete c.budgets.idleMs));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.budgets.idleMs).toBe(10_000);
    expect(result.config.budgets.firstTokenMs).toBe(1200);
    expect(result.config.maxBodyBytes).toBe(1024 * 1024);
    expect(result.config.tenants[0]!.allowedModels).toEqual(['*']);
  });

  it('fills every default when budgets and cache are absent', () => {
    const result = parseConfig(withChange((c) => { delete c.budgets; delete c.cache; }));
    expect(result.ok && result.config.budgets.totalMs).toBe(30_000);
    expect(result.ok && result.config.cache.kvTtlSeconds).toBe(3600);
  });

  it.each([
    ['missing text', undefined, 'GATEWAY_CONFIG is not set'],
    ['not JSON', '{tenants:', 'not valid JSON'],
    ['bad URL', withChange((c) => (c.models[1].endpoints[0].baseUrl = 'ftp://x')), 'models[1].endpoints[0].baseUrl'],
    ['bad key hash', withChange((c) => (c.tenants[0].apiKeyHashes = ['abc'])), 'tenants[0].apiKeyHashes[0]'],
    ['unknown tier', withChange((c) => (c.models[0].tier = 'medium')), 'models[0].tier'],
    ['negative budget', withChange((c) => (c.budgets.firstTokenMs = -1)), 'budgets.firstTokenMs'],
    ['reserved model id', withChange((c) => (c.models[0].id = 'auto')), 'models[0].id'],
    ['duplicate model id', withChange((c) => (c.models[1].id = c.models[0].id)), 'models[1].id: duplicate'],
    ['no tenants', withChange((c) => (c.tenants = [])), 'tenants'],
    ['KV TTL under 60 s', withChange((c) => (c.cache.kvTtlSeconds = 10)), 'cache.kvTtlSeconds'],
  ])('rejects %s, naming the field', (_name, text, expected) => {
    const result = parseConfig(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(expected);
  });

  it('rejects an endpoint whose key binding the Worker lacks', () => {
    const text = withChange((c) => (c.models[0].endpoints[0].apiKeyEnv = 'EAST_KEY'));
    const missing = parseConfig(text, {});
    expect(!missing.ok && missing.error).toBe('models[0].endpoints[0].apiKeyEnv: binding "EAST_KEY" is not set');
    expect(parseConfig(text, { EAST_KEY: 'sk-x' }).ok).toBe(true);
  });

  it('reads slo budgets next to the alarm settings, and stats defaults', () => {
    const result = parseConfig(withChange((c) => (c.slo = { retrieval: 250, provider_ttft: 1200, alarmWebhook: 'https://ops.example.com/hook' })));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(sloBudgets(result.config.slo)).toEqual({ retrieval: 250, provider_ttft: 1200 });
    expect(result.config.slo).toMatchObject({ alarmWindow: '1m', alarmMinRequests: 5 });
    expect(result.config.stats).toEqual({ flushMs: 2000, timeoutMs: 1000, canaryRefreshMs: 5000 });
    const bad = parseConfig(withChange((c) => (c.slo = { retrieval: 'fast' })));
    expect(!bad.ok && bad.error).toMatch(/^slo\.retrieval: /);
    const badHook = parseConfig(withChange((c) => (c.slo = { alarmWebhook: 'file:///etc/passwd' })));
    expect(!badHook.ok && badHook.error).toMatch(/^slo\.alarmWebhook: /);
  });

  it('reads the demo canary and names a canary\'s bad field', () => {
    const result = parseConfig(demo);
    expect(result.ok && result.config.canaries[0]).toMatchObject({ id: 'rag-v3', kind: 'prompt', from: 'rag-answer@2', to: 'rag-answer@3', percent: 5 });
    const cases: Array<[(c: any) => void, RegExp]> = [
      [(c) => (c.canaries[0].to = 'rag-answer@9'), /^canaries\[0\]\.to: "rag-answer@9" is not a prompt template/],
      [(c) => (c.canaries[0].from = 'rag-answer'), /^canaries\[0\]\.from: /],
      [(c) => (c.canaries[0].to = 'support-agent@1'), /^canaries\[0\]\.to: must be a version of "rag-answer"/],
      [(c) => Object.assign(c.canaries[0], { kind: 'model', from: 'sim-small', to: 'gpt-9' }), /^canaries\[0\]\.to: "gpt-9" is not a model of the catalog/],
      [(c) => (c.canaries[0].percent = 120), /^canaries\[0\]\.percent: /],
      [(c) => (c.canaries[0].alarms.p95 = 100), /^canaries\[0\]\.alarms: /],
      [(c) => c.canaries.push({ ...c.canaries[0] }), /^canaries\[1\]\.id: duplicate canary id "rag-v3"/],
    ];
    for (const [change, error] of cases) {
      const bad = parseConfig(withChange(change));
      expect(!bad.ok && bad.error).toMatch(error);
    }
  });
});
