import { DecompressionLimitError } from '../errors/codec-error.js';

let defaultMaxDecompressedBytes = 64 * 1024 * 1024;

/** The cap applied to decompressed record data when a call does not pass its own (64 MiB initially). */
export function getDefaultMaxDecompressedBytes(): number {
  return defaultMaxDecompressedBytes;
}

/** Changes the process-wide default decompression cap. */
export function setDefaultMaxDecompressedBytes(bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`invalid decompression cap ${bytes}`);
  defaultMaxDecompressedBytes = bytes;
}

export function limitExceeded(codec: string, size: number | string, max: number): never {
  throw new DecompressionLimitError(
    `${codec}: decompressed records would be ${size} bytes, over the ${max}-byte cap (maxDecompressedBytes)`,
    'records',
    0,
  );
}
