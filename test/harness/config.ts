// Test configurations: the demo's shape, pointed at the sims the test started.
import { createHash } from 'node:crypto';

export const TENANT_KEY = 'sk-test-acme-0123456789';
export const OTHER_TENANT_KEY = 'sk-test-globex-9876543210';
export const PROVIDER_KEY = 'sk-provider-secret-value-42';
/** The operator's token for /admin/* (a Worker secret in production). */
export const ADMIN_TOKEN = 'admin-test-token-5b1d4086';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface TestConfigOptions {
  providerUrl: string;
  originUrl?: string;
  budgets?: Record<string, number>;
  maxBodyBytes?: number;
}

export function testConfig({ providerUrl, originUrl, budgets, maxBodyBytes }: TestConfigOptions): Record<string, any> {
  return {
    tenants: [
      { id: 'acme', apiKeyHashes: [sha256(TENANT_KEY)], allowedModels: ['*'] },
      { id: 'globex', apiKeyHashes: [sha256(OTHER_TENANT_KEY)], allowedModels: ['sim-small', 'small'] },
    ],
    models: [
      {
        id: 'sim-small', tier: 'small', inputPer1M: 0.15, outputPer1M: 0.6, contextWindow: 128000,
        endpoints: [{ id: 'east', baseUrl: `${providerUrl}/s/east/v1`, apiKeyEnv: 'EAST_KEY' }],
      },
      {
        id: 'sim-large', tier: 'large', inputPer1M: 2.5, outputPer1M: 10, contextWindow: 200000,
        endpoints: [{ id: 'west', baseUrl: `${providerUrl}/s/west/v1`, apiKeyEnv: 'EAST_KEY' }],
      },
    ],
    ...(originUrl ? { origin: { baseUrl: originUrl } } : {}),
    budgets: { firstTokenMs: 1500, idleMs: 1000, totalMs: 10000, heartbeatMs: 5000, ...budgets },
    ...(maxBodyBytes ? { maxBodyBytes } : {}),
  };
}

export const TEST_BINDINGS = { EAST_KEY: PROVIDER_KEY, ADMIN_TOKEN };
