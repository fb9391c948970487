import { defineConfig } from 'vitest/config';

// Standalone config for this package: `cd tooling/kafka && pnpm exec vitest run`.
// The root config reuses ./src/vitest-global-setup.ts for its `integration` project.
export default defineConfig({
  test: {
    include: ['test/**/*.int.test.ts'],
    globalSetup: ['./src/vitest-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
