import { defineConfig } from 'vitest/config';

// One project per test layer (each `extends` the root options such as testTimeout): `npm test` runs them all; `npm run coverage` only the unit layer
// (which needs no Java); the integration layer shares one DynamoDB Local + SQS server per run.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    // The SDK warns once per process that its 2027 releases need Node 22; the machine pins Node 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 30_000,
    hookTimeout: 180_000,
    coverage: {
      provider: 'v8',
      include: ['shared/domain/**/*.ts'],
      exclude: ['shared/domain/types.ts', 'shared/domain/index.ts'],
      reporter: ['text', 'text-summary'],
      thresholds: { lines: 90 },
    },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Each file drives a mesh on a two-core machine: one file at a time keeps timing bounds honest.
          fileParallelism: false,
        },
      },
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 300_000, fileParallelism: false } },
      { extends: true, test: { name: 'jepsen', include: ['test/jepsen/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 180_000, fileParallelism: false } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 180_000, fileParallelism: false } },
    ],
  },
});
