// The simulated provider in its own process (`node sim/main.ts` on ephemeral ports), driven over
// its HTTP control API, so the load generator never shares its event loop.
import { spawn } from 'node:child_process';
import { ROOT } from '../test/harness/paths.ts';

export interface SimProcess {
  url: string;
  pid: number;
  setFaults(scope: string, faults: Record<string, number | boolean> | null): Promise<void>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function spawnSim(): Promise<SimProcess> {
  const child = spawn(process.execPath, [`${ROOT}/sim/main.ts`], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SIM_PROVIDER_PORT: '0', SIM_ORIGIN_PORT: '0', SIM_HOST: '127.0.0.1' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Should this process die without cleaning up, do not leave the sim behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const close = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`sim did not start within 10 s: ${out}`)), 10_000);
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (text: string) => {
        out += text;
        const m = /sim provider listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`sim exited with ${code}: ${out}`));
      });
    });
  } catch (err) {
    await close();
    throw err;
  }
  child.stdout!.resume(); // keep draining its log

  const control = async (path: string, body: unknown) => {
    const res = await fetch(`${url}/__sim/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`sim control ${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };

  return {
    url,
    pid: child.pid!,
    setFaults: (scope, faults) => control(`faults/${encodeURIComponent(scope)}`, faults),
    reset: () => control('reset', null),
    close,
  };
}
