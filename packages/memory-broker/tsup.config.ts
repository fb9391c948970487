import { defineConfig } from 'tsup';

// Two builds. The library (src/index.ts) as ESM and CJS with type declarations, as the other packages'
// `tsup` field. The idem-broker CLI (src/cli.ts) once, as ESM, with the package itself external: its
// imports of '@idem/memory-broker' stay imports of dist/index.js rather than a second bundled copy of the
// broker. bin/idem-broker.js (committed, so pnpm can link it before anything is built) imports dist/cli.js.
export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // Everything in dist/ but the CLI's own build, which the second config writes at the same time.
    clean: ['!cli.js', '!cli.js.map'],
    target: 'node22',
    splitting: false,
  },
  {
    entry: ['src/cli.ts'],
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'node22',
    splitting: false,
    external: ['@idem/memory-broker'],
  },
]);
