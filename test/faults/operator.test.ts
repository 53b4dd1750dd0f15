// The operator surface (design §2): public health says only ok / degraded / config_invalid; the
// details are behind the admin token at /admin/health.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProvider, type SimProvider } from '../../sim/provider.ts';
import { ADMIN_TOKEN, PROVIDER_KEY, TEST_BINDINGS, testConfig } from '../harness/config.ts';
import { startGateway, type Gateway } from '../harness/gateway.ts';
import { chat } from '../harness/requests.ts';

let provider: SimProvider;
let gateway: Gateway;
let config: Record<string, any>;

beforeAll(async () => {
  provider = await startProvider();
  config = testConfig({ providerUrl: provider.url });
  config.resilience = { breaker: { consecutiveFailures: 1, cooldownMs: 60_000 }, retry: { maxAttempts: 1 } };
  gateway = await startGateway(config, TEST_BINDINGS);
});
afterAll(async () => {
  await gateway?.close();
  await provider?.close();
});
beforeEach(async () => {
  provider.reset();
  provider.setFaults('east', { firstTokenMs: 1, interTokenMs: 0 });
  await gateway.setConfig(config, TEST_BINDINGS);
});

const get = (path: string, token?: string) =>
  fetch(`${gateway.url}${path}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

describe('GET /healthz (public)', () => {
  it('says only its status: no models, tenant count or breaker states for strangers', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('says degraded, and nothing more, while a breaker is open', async () => {
    provider.setFaults('east', { status: 500 });
    expect((await chat(gateway.url, {})).status).toBe(502);
    expect(await (await get('/healthz')).json()).toEqual({ status: 'degraded' });
  });

  it('says config_invalid without naming the field', async () => {
    const bad = { ...config, models: [{ ...config.models[0], endpoints: [{ id: 'x', baseUrl: 'not a url' }] }] };
    await gateway.setConfig(bad, TEST_BINDINGS);
    const res = await get('/healthz');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ status: 'config_invalid' });
  });
});

describe('GET /admin/health (admin token)', () => {
  it('401 without a token, 403 with a wrong one — the details only with the right one', async () => {
    const missing = await get('/admin/health');
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('invalid_admin_token');
    for (const wrong of ['nope', `${ADMIN_TOKEN}x`, ADMIN_TOKEN.slice(0, -1), PROVIDER_KEY]) {
      const res = await get('/admin/health', wrong);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('admin_forbidden');
    }
    const ok = await get('/admin/health', ADMIN_TOKEN);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      status: 'ok', models: ['sim-small', 'sim-large'], tenants: 2, breakers: {},
      tracing: { enabled: false, exported: 0, dropped: 0, failed: 0, buffered: 0 },
    });
  });

  it('shows the open breaker behind a degraded status', async () => {
    provider.setFaults('east', { status: 500 });
    await chat(gateway.url, {});
    const body = await (await get('/admin/health', ADMIN_TOKEN)).json();
    expect(body).toMatchObject({ status: 'degraded', breakers: { 'sim-small/east': 'open' } });
  });

  it('names the bad field of an invalid config', async () => {
    const bad = { ...config, models: [{ ...config.models[0], endpoints: [{ id: 'x', baseUrl: 'not a url' }] }] };
    await gateway.setConfig(bad, TEST_BINDINGS);
    const res = await get('/admin/health', ADMIN_TOKEN);
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ status: 'config_invalid', config_error: expect.stringContaining('models[0].endpoints[0].baseUrl') });
  });

  it('without ADMIN_TOKEN set, /admin/* is disabled: 403 admin_disabled, whatever is sent', async () => {
    const { ADMIN_TOKEN: _unset, ...bindings } = TEST_BINDINGS;
    await gateway.setConfig(config, bindings);
    for (const token of [undefined, '', 'anything', ADMIN_TOKEN]) {
      const res = await get('/admin/health', token);
      expect(res.status).toBe(403);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('admin_disabled');
      expect(error.message).toContain('ADMIN_TOKEN');
    }
  });
});
