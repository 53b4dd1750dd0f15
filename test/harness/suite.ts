// The set-up most e2e suites share: a simulated provider, the gateway in workerd pointed at it,
// both closed after the suite; optionally a fresh isolate (closed breakers, empty memory) per test.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startProvider, type SimProvider } from '../../sim/provider.ts';
import { TEST_BINDINGS } from './config.ts';
import { startGateway, type Gateway } from './gateway.ts';

export interface Suite {
  provider: SimProvider;
  gateway: Gateway;
}

/**
 * Registers the hooks and returns the suite's handles (filled in before the first test). `config`
 * is called with the provider's URL whenever the gateway (re)starts; `freshIsolate` restarts it
 * before each test; `each` runs after the provider's reset, before each test.
 */
export function gatewaySuite(
  config: (providerUrl: string) => Record<string, unknown>,
  opts: { freshIsolate?: boolean; each?: (s: Suite) => void } = {},
): Suite {
  const suite = {} as Suite;
  beforeAll(async () => {
    suite.provider = await startProvider();
    suite.gateway = await startGateway(config(suite.provider.url), TEST_BINDINGS);
  });
  afterAll(async () => {
    await suite.gateway?.close();
    await suite.provider?.close();
  });
  beforeEach(async () => {
    suite.provider.reset();
    opts.each?.(suite);
    if (opts.freshIsolate) await suite.gateway.setConfig(config(suite.provider.url), TEST_BINDINGS);
  });
  return suite;
}
