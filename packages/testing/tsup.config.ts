import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';

const unavailable = fileURLToPath(new URL('./src/vitest-unavailable.ts', import.meta.url));

// As the other packages' `tsup` field, plus one thing: vitest throws when require()d, so the CJS build gets
// src/vitest-unavailable.ts in place of src/vitest-api.ts (see there) and require('@idem/testing') still loads.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  splitting: false,
  esbuildPlugins: [
    {
      name: 'vitest-unavailable-in-cjs',
      setup(build) {
        if (build.initialOptions.format !== 'cjs') return;
        build.onResolve({ filter: /^\.\/vitest-api\.js$/ }, () => ({ path: unavailable }));
      },
    },
  ],
});
