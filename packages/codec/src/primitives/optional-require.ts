import { createRequire } from 'node:module';

/**
 * `require` for optional native packages, usable from both builds of the package. The ESM build
 * resolves from `import.meta.url`; in the CJS build tsup leaves `import.meta` empty, but `__filename`
 * exists there, so it is tried first (`typeof` keeps the ESM build from throwing on it).
 */
export const optionalRequire: NodeJS.Require = createRequire(
  typeof __filename === 'string' ? __filename : import.meta.url,
);
