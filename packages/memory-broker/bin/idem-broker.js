#!/usr/bin/env node
// idem-broker's executable. It exists before the package is built, so a fresh `pnpm install` can link it;
// the CLI itself is dist/cli.js (built from src/cli.ts), which imports the library from dist/index.js.
try {
  await import('../dist/cli.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write(
      'idem-broker: dist/cli.js is missing (build it: pnpm --filter @idem/memory-broker build)\n',
    );
    process.exit(1);
  }
  throw error;
}
