import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { defineConfig } from 'tsup';

// One ESM bundle of the CLI with every workspace package (@idem/*) compiled in from its TypeScript sources (the
// `@idem/source` export condition), so `pnpm bench` builds only this app (about a second) instead of every package's
// library and type declarations first. Third-party packages stay external (apps/bench/node_modules).
//
// A bundled source file keeps its own `import.meta.url`: the plugin writes each workspace file's real URL in its
// place, so what resolves from it (codec's optional native backends, librdkafka's binding for @idem/confluent,
// tooling/kafka/bin for the cluster) resolves exactly as it does when that package runs from source.
export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  sourcemap: true,
  // Not cleaned first: another build of the workspace may run the CLI meanwhile (one entry, no stale files).
  clean: false,
  target: 'node22',
  splitting: false,
  noExternal: [/^@idem\//],
  esbuildOptions(options) {
    options.conditions = ['@idem/source'];
  },
  esbuildPlugins: [
    {
      name: 'own-import-meta-url',
      setup(build) {
        build.onLoad({ filter: /\.ts$/ }, async (args) => {
          if (args.path.includes('/node_modules/') || args.path.includes('/apps/bench/')) return undefined;
          const source = await readFile(args.path, 'utf8');
          if (!source.includes('import.meta')) return { contents: source, loader: 'ts' };
          const url = pathToFileURL(args.path).href;
          const dirname = JSON.stringify(args.path.replace(/\/[^/]*$/, ''));
          return {
            contents: source
              .replaceAll('import.meta.url', JSON.stringify(url))
              .replaceAll('import.meta.dirname', dirname)
              .replaceAll('import.meta.filename', JSON.stringify(args.path)),
            loader: 'ts',
          };
        });
      },
    },
  ],
});
