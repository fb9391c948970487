import { crc32cJs } from './js.js';
import { nativeCrc32c } from './native.js';

/** The pure-JS implementation, always available; `crc32c` picks the faster backend per input. */
export { crc32cJs };

/** Which implementation `crc32c` uses: the optional native addon, or the pure-JS fallback. */
export const crc32cBackend: 'native' | 'js' = nativeCrc32c === undefined ? 'js' : 'native';

/**
 * Below this size the JS loop beats the cost of crossing into native code (measured on Node 24: the
 * two break even around 200 bytes); most record batches are larger.
 */
const NATIVE_THRESHOLD = 192;

/** CRC-32C (Castagnoli) of `bytes`, continuing from `initial` (default 0); unsigned 32-bit result. */
export function crc32c(bytes: Uint8Array, initial = 0): number {
  if (nativeCrc32c !== undefined && bytes.length >= NATIVE_THRESHOLD)
    return nativeCrc32c(bytes, initial) >>> 0;
  return crc32cJs(bytes, initial);
}
