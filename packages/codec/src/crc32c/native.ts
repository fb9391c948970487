import { optionalRequire } from '../primitives/optional-require.js';

/** The shape of `@node-rs/crc32` that we use. */
interface NodeRsCrc32 {
  crc32c(input: Uint8Array | string, initialState?: number | null): number;
}

/**
 * The native CRC-32C from `@node-rs/crc32` (an optional dependency, SSE4.2/ARMv8 CRC instructions),
 * or undefined when it is not installed or cannot load on this platform. Loaded once, synchronously,
 * at module load so the choice of backend is fixed before the first batch is encoded.
 */
function load(): NodeRsCrc32['crc32c'] | undefined {
  if (process.env.IDEM_CRC32C === 'js') return undefined;
  try {
    const mod = optionalRequire('@node-rs/crc32') as NodeRsCrc32;
    return typeof mod.crc32c === 'function' ? mod.crc32c : undefined;
  } catch {
    return undefined;
  }
}

export const nativeCrc32c: NodeRsCrc32['crc32c'] | undefined = load();
