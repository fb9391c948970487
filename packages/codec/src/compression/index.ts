export { getDefaultMaxDecompressedBytes, setDefaultMaxDecompressedBytes } from './limits.js';
export {
  COMPRESSION_IDS,
  COMPRESSION_NAMES,
  compressionCodec,
  registerCompressionCodec,
} from './registry.js';
export type { CompressionCodec, CompressionId, CompressionName } from './types.js';
