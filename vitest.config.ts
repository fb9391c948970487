import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node; `integration` (files named *.int.test.ts) gets a real
// Apache Kafka broker from tooling/kafka's global setup, or KAFKA_BOOTSTRAP's cluster.
const sourceCondition = { conditions: ['@idem/source'] };

export default defineConfig({
  resolve: sourceCondition,
  ssr: { resolve: { conditions: ['@idem/source'], externalConditions: ['@idem/source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/test/**/*.test.ts',
            'apps/*/test/**/*.test.ts',
            'tooling/*/test/**/*.test.ts',
            'examples/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['tooling/kafka/src/vitest-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
