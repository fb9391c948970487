// The vitest functions the contract uses, through one module so the CJS build can put src/vitest-unavailable.ts in
// its place (tsup.config.ts).
export { describe, expect, it } from 'vitest';
