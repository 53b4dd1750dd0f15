// CLI: `node sim/main.ts` runs the simulated provider and origin until SIGINT/SIGTERM.
// Ports: SIM_PROVIDER_PORT (default 8790), SIM_ORIGIN_PORT (default 8791); host SIM_HOST (default 127.0.0.1).
import { startOrigin } from './origin.ts';
import { startProvider } from './provider.ts';

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} must be a port number, got "${raw}"`);
  return value;
}

const host = process.env.SIM_HOST || '127.0.0.1';
const provider = await startProvider({ port: port('SIM_PROVIDER_PORT', 8790), host });
const origin = await startOrigin({ port: port('SIM_ORIGIN_PORT', 8791), host });
console.log(`sim provider listening on ${provider.url}`);
console.log(`sim origin listening on ${origin.url}`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`sim: ${signal}, closing`);
  await Promise.all([provider.close(), origin.close()]);
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
