// Shutdown for the bench tools: resources closed in reverse order, each within 10 s, then any
// workerd of ours still alive killed by pid; SIGINT/SIGTERM run the same and exit 130.
import { childPids } from './procstat.ts';

export interface Cleanup {
  add(name: string, run: () => Promise<void>): void;
  run(): Promise<void>;
}

export function cleanupRegistry(tool: string, log: (msg: string) => void): Cleanup {
  const steps: Array<{ name: string; run: () => Promise<void> }> = [];
  async function run(): Promise<void> {
    while (steps.length) {
      const { name, run: close } = steps.pop()!;
      try {
        await Promise.race([close(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 10_000).unref())]);
      } catch (err) {
        console.error(`${tool}: closing ${name} failed: ${(err as Error).message}`);
      }
    }
    // Miniflare's dispose ends workerd; make sure, by pid, that none of ours outlives the run.
    for (const pid of childPids(process.pid, 'workerd')) {
      console.error(`${tool}: workerd ${pid} still running after dispose, killing it`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: shutting down`);
      void run().finally(() => process.exit(130));
    });
  }
  return { add: (name, close) => void steps.push({ name, run: close }), run };
}
