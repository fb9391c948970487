// What the CJS build of @idem/testing has in place of vitest, which throws when require()d (it is ESM only). So
// require('@idem/testing') loads (the delivery checker and the memory-broker harness work under any runner), and
// runProducerContract says why it cannot run instead of failing the whole require. tsup puts this file in place of
// src/vitest-api.ts for the CJS build only (tsup.config.ts); the ESM build imports vitest itself.
const unavailable = (): never => {
  throw new Error(
    "@idem/testing: runProducerContract needs vitest, which cannot be require()d; import '@idem/testing' from an ES module (vitest runs test files as ES modules)",
  );
};

export const describe = unavailable;
export const expect = unavailable;
export const it = Object.assign(unavailable, { skip: unavailable, each: unavailable });
