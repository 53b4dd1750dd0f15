import { defineConfig } from 'vitest/config';

// Two kinds of tests, one command (`npm test`):
// - unit: pure logic beside the code (src/**, sim/**) and the labelled evaluations (eval/**), in Node;
// - e2e: the built worker in the real workerd runtime (Miniflare) with local KV, driven over real
//   HTTP — also by the official `openai` SDK — against the simulated provider and origin.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'sim/**/*.test.ts', 'scripts/**/*.test.ts', 'eval/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/harness/build-worker.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
