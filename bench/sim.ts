// The simulated provider and origin in their own process (`node sim/main.ts` on ephemeral ports),
// driven over their HTTP control APIs, so the load generator never shares its event loop.
import { spawn } from 'node:child_process';
import { ROOT } from '../test/harness/paths.ts';

export interface SimProcess {
  /** The simulated provider. */
  url: string;
  /** The simulated origin (retrieval, rerank, tools), same process. */
  originUrl: string;
  pid: number;
  /** Provider faults for a scope (`east`…). */
  setFaults(scope: string, faults: Record<string, number | boolean> | null): Promise<void>;
  /** Origin faults for a route: `retrieve`, `rerank`, `tools/<name>` or `tools`. */
  setOriginFaults(route: string, faults: Record<string, number | boolean> | null): Promise<void>;
  /** Clears the provider's faults and recorded calls. */
  reset(): Promise<void>;
  /** Clears the origin's faults and recorded calls. */
  resetOrigin(): Promise<void>;
  /** The provider's recorded calls since its last reset (the fields the bench reads). */
  providerCalls(): Promise<Array<{ scope: string; status: number; aborted: boolean }>>;
  /** The origin's recorded calls since its last reset (sim/origin.ts OriginCall; epoch ms). */
  originCalls(): Promise<Array<{ route: string; startedAt: number; endedAt?: number; status: number; aborted: boolean }>>;
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
  let originUrl: string;
  try {
    [url, originUrl] = await new Promise<[string, string]>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`sim did not start within 10 s: ${out}`)), 10_000);
      child.stdout!.setEncoding('utf8');
      const onData = (text: string) => {
        out += text;
        const provider = /sim provider listening on (http:\/\/\S+)/.exec(out);
        const origin = /sim origin listening on (http:\/\/\S+)/.exec(out);
        if (provider && origin) {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          resolve([provider[1]!, origin[1]!]);
        }
      };
      child.stdout!.on('data', onData);
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

  const control = async (path: string, body: unknown, base = url) => {
    const res = await fetch(`${base}/__sim/${path}`, {
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
    originUrl,
    pid: child.pid!,
    setFaults: (scope, faults) => control(`faults/${encodeURIComponent(scope)}`, faults),
    setOriginFaults: (route, faults) => control(`faults/${encodeURIComponent(route)}`, faults, originUrl),
    reset: () => control('reset', null),
    resetOrigin: () => control('reset', null, originUrl),
    providerCalls: async () => {
      const res = await fetch(`${url}/__sim/calls`, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`sim control calls: ${res.status} ${await res.text()}`);
      return (await res.json()) as Awaited<ReturnType<SimProcess['providerCalls']>>;
    },
    originCalls: async () => {
      const res = await fetch(`${originUrl}/__sim/calls`, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`sim control calls: ${res.status} ${await res.text()}`);
      return (await res.json()) as Awaited<ReturnType<SimProcess['originCalls']>>;
    },
    close,
  };
}
