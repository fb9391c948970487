import zlib from 'node:zlib';
import { CompressionError } from '../errors/codec-error.js';
import { limitExceeded } from './limits.js';
import type { CompressionCodec } from './types.js';

/** zlib reports an exceeded maxOutputLength as a RangeError with this code. */
function isOutputTooLarge(e: unknown): boolean {
  return e instanceof RangeError && (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
}

function failed(codec: string, e: unknown): never {
  const reason = e instanceof Error ? e.message : String(e);
  throw new CompressionError(`${codec}: cannot decompress the records: ${reason}`, 'records', 0);
}

export const gzipCodec: CompressionCodec = {
  id: 1,
  name: 'gzip',
  compress: (bytes) => zlib.gzipSync(bytes),
  decompress(bytes, maxOutputBytes) {
    try {
      // maxOutputLength makes zlib stop as soon as the output would pass the cap.
      return zlib.gunzipSync(bytes, { maxOutputLength: Math.max(1, maxOutputBytes) });
    } catch (e) {
      if (isOutputTooLarge(e)) limitExceeded('gzip', `more than ${maxOutputBytes}`, maxOutputBytes);
      return failed('gzip', e);
    }
  },
};

export const zstdCodec: CompressionCodec = {
  id: 4,
  name: 'zstd',
  compress(bytes) {
    if (typeof zlib.zstdCompressSync !== 'function') zstdMissing();
    return zlib.zstdCompressSync(bytes);
  },
  decompress(bytes, maxOutputBytes) {
    if (typeof zlib.zstdDecompressSync !== 'function') zstdMissing();
    try {
      return zlib.zstdDecompressSync(bytes, { maxOutputLength: Math.max(1, maxOutputBytes) });
    } catch (e) {
      if (isOutputTooLarge(e)) limitExceeded('zstd', `more than ${maxOutputBytes}`, maxOutputBytes);
      return failed('zstd', e);
    }
  },
};

function zstdMissing(): never {
  throw new CompressionError(
    `zstd: this Node.js (${process.version}) has no zlib zstd support; use Node.js 22.15 or later`,
    'compression',
    0,
  );
}
