import { defineConfig } from 'vitest/config';

// Dates in tests and in analytics buckets must not depend on the machine's zone.
process.env.TZ = 'UTC';

const exclude = ['**/node_modules/**', '**/dist/**'];

export default defineConfig({
  test: {
    // Forks, not worker threads: the TF.js WASM backend and better-sqlite3 both hold
    // process-wide native state that is simplest to isolate per process.
    pool: 'forks',
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/**/*.test.ts', 'apps/**/*.test.ts', 'bench/**/*.test.ts', 'e2e/lib/**/*.test.ts'],
          exclude: [...exclude, '**/*.int.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'int',
          include: ['packages/**/*.int.test.ts', 'apps/**/*.int.test.ts'],
          exclude,
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.spec.ts'],
          exclude,
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
