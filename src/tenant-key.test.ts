import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';
import { buildCatalog } from './catalog';
import { bearerToken } from './pipeline/auth';
import { formatTenantKey, TENANT_KEY, tenantEntry } from './tenant-key';
import { sha256Hex } from './util/sha256';

const demo = readFileSync(new URL('../config/demo.json', import.meta.url), 'utf8');
const bytes = (fill: number) => new Uint8Array(16).fill(fill);

describe('tenant keys', () => {
  it('formats sk-gw-<tenant>-<32 hex> from 16 random bytes', () => {
    expect(formatTenantKey('acme', bytes(0xab))).toBe(`sk-gw-acme-${'ab'.repeat(16)}`);
    const key = formatTenantKey('team_a.eu-1', crypto.getRandomValues(new Uint8Array(16)));
    expect(key).toMatch(TENANT_KEY);
    expect(bearerToken(`Bearer ${key}`)).toBe(key);
  });

  it('refuses tenant ids a Bearer header cannot carry, and short randomness', () => {
    for (const id of ['', 'a b', 'acme\n', '-acme', 'ä', 'x'.repeat(65)]) {
      expect(() => formatTenantKey(id, bytes(1))).toThrow(/tenant id/);
    }
    expect(() => formatTenantKey('acme', new Uint8Array(8))).toThrow(/16 random bytes/);
  });

  it('hashes as the auth stage does: the demo key gives the demo config hash', async () => {
    const entry = await tenantEntry('demo', 'sk-demo-gateway');
    expect(entry).toEqual({ id: 'demo', apiKeyHashes: [JSON.parse(demo).tenants[0].apiKeyHashes[0]] });
  });

  it('yields an entry the config accepts and the catalog finds by the key', async () => {
    const key = formatTenantKey('acme', bytes(7));
    const config = JSON.parse(demo);
    config.tenants.push(await tenantEntry('acme', key));
    const parsed = parseConfig(JSON.stringify(config));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(buildCatalog(parsed.config).tenantByKeyHash.get(await sha256Hex(key))?.id).toBe('acme');
  });
});
