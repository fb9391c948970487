import { DecompressionLimitError } from '../errors/codec-error.js';

/**
 * The process-wide default cap. The package ships as ESM and CJS, and a process may load both copies (a
 * user's file `require`s it, a dependency `import`s it): like the compression registry (registry.ts), the
 * setting lives on `globalThis` under a registered symbol, so a cap set through either copy is the one both
 * apply.
 */
const LIMITS_KEY = Symbol.for('@idem/codec/decompression-limits/v1');
interface SharedLimits {
  maxDecompressedBytes: number;
}
const shared = globalThis as typeof globalThis & { [LIMITS_KEY]?: SharedLimits };
shared[LIMITS_KEY] ??= { maxDecompressedBytes: 64 * 1024 * 1024 };
const limits: SharedLimits = shared[LIMITS_KEY];

/** The cap applied to decompressed record data when a call does not pass its own (64 MiB initially). */
export function getDefaultMaxDecompressedBytes(): number {
  return limits.maxDecompressedBytes;
}

/**
 * Changes the process-wide default decompression cap. It is shared by the ESM and CJS copies of the
 * package, so it applies whichever of them a caller loaded.
 */
export function setDefaultMaxDecompressedBytes(bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`invalid decompression cap ${bytes}`);
  limits.maxDecompressedBytes = bytes;
}

export function limitExceeded(codec: string, size: number | string, max: number): never {
  throw new DecompressionLimitError(
    `${codec}: decompressed records would be ${size} bytes, over the ${max}-byte cap (maxDecompressedBytes)`,
    'records',
    0,
  );
}
