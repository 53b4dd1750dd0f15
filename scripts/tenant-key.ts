// `npm run tenant-key -- <tenant-id>`: makes a new API key for a tenant and prints it (give it to
// the tenant; it is not stored anywhere) and the config entry holding only its SHA-256.
//
//   node --import ./scripts/ts-resolve.mjs scripts/tenant-key.ts <tenant-id>
import { randomBytes } from 'node:crypto';
import { formatTenantKey, tenantEntry } from '../src/tenant-key';

const tenantId = process.argv[2];
if (!tenantId || process.argv.length > 3) {
  console.error('usage: npm run tenant-key -- <tenant-id>');
  process.exit(2);
}

let key: string;
try {
  key = formatTenantKey(tenantId, randomBytes(16));
} catch (err) {
  console.error(`tenant-key: ${(err as Error).message}`);
  process.exit(2);
}
const entry = await tenantEntry(tenantId, key);

console.log(`API key for tenant "${tenantId}" (give it to the tenant; it is shown only this once):

  ${key}

Config entry for "tenants" (add "limits" and "allowedModels" as you need; to rotate an existing
tenant's key, add the hash to its "apiKeyHashes" and remove the old one once clients have switched):

  {"id": ${JSON.stringify(entry.id)}, "apiKeyHashes": [${JSON.stringify(entry.apiKeyHashes[0])}]}
`);
