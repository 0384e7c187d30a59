import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/infra/**/*.test.ts', 'test/jepsen/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration suites start Java and servers; on two cores, files run one at a time keeps them honest.
    fileParallelism: true,
    maxWorkers: 2,
    coverage: {
      provider: 'v8',
      include: ['shared/domain/**/*.ts'],
      reporter: ['text', 'text-summary'],
      thresholds: { lines: 90 },
    },
  },
});
