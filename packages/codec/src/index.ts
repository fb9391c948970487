/**
 * Public API of @idem/codec. Everything a user may import is re-exported here; other modules are internal.
 *
 * @packageDocumentation
 */
/** This package's name on npm. */
export const packageName = '@idem/codec';

// ---- foundations, record batches, compression, CRC-32C (record-batch engineer) ----
export {
  CodecError,
  CompressionError,
  CompressionLibraryMissingError,
  CrcMismatchError,
  DecompressionLimitError,
  InvalidLengthError,
  InvalidValueError,
  TruncatedInputError,
  UnsupportedVersionError,
} from './errors/index.js';
export type { CompressionCodec, CompressionId, CompressionName } from './compression/index.js';
export {
  COMPRESSION_IDS,
  COMPRESSION_NAMES,
  compressionCodec,
  getDefaultMaxDecompressedBytes,
  registerCompressionCodec,
  setDefaultMaxDecompressedBytes,
} from './compression/index.js';
export { crc32c, crc32cBackend, crc32cJs } from './crc32c/index.js';
export { Reader, Writer } from './primitives/index.js';
export * from './record-batch/index.js';
export {
  decrementSequence,
  incrementSequence,
  isNextInSequence,
  lastSequence,
  MAX_SEQUENCE,
  NO_SEQUENCE,
} from './sequence.js';
// ---- end record-batch engineer block ----

// ---- protocol messages, headers, frames, Kafka error codes (protocol engineer) ----
export * from './protocol/index.js';
// ---- end protocol engineer block ----
