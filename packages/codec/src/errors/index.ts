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
} from './codec-error.js';
