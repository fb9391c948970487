/**
 * Typed errors for everything the codec rejects. Every error names the field being read and the byte
 * offset where reading failed, so a bad frame can be located in a hex dump.
 *
 * `instanceof` is made to work across module copies (an ESM and a CJS build of @idem/codec loaded in the
 * same process each have their own classes): instances carry a process-wide symbol brand and the classes
 * answer `instanceof` by brand plus error code instead of by prototype chain.
 */
const BRAND: unique symbol = Symbol.for('idem.CodecError');

interface Branded {
  readonly [BRAND]: true;
  readonly code: string;
}

function isBranded(value: unknown): value is Branded {
  return typeof value === 'object' && value !== null && (value as Partial<Branded>)[BRAND] === true;
}

/**
 * Base class of every error the codec throws for what it rejects (bytes to decode, values to encode):
 * catch CodecError for all of them, or a subclass for one kind.
 */
export class CodecError extends Error {
  /** The error code shared by every instance of this class; `undefined` only on the base class. */
  static readonly errorCode: string | undefined = undefined;

  /** The class's `errorCode`, e.g. `ERR_TRUNCATED`; `ERR_CODEC` for a plain CodecError. */
  readonly code: string;
  /** The field being read or written when the problem was found, e.g. `records[3].headers[0].key`. */
  readonly field: string;
  /** Byte offset into the input where the problem was found. */
  readonly offset: number;
  declare readonly [BRAND]: true;

  constructor(message: string, field: string, offset: number) {
    super(message);
    const ctor = new.target as typeof CodecError;
    this.name = ctor.name;
    this.code = ctor.errorCode ?? 'ERR_CODEC';
    this.field = field;
    this.offset = offset;
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }

  /**
   * Answers `instanceof` for this class and every subclass, so that an error thrown by the ESM copy
   * of `@idem/codec` is an instance of the CJS copy's class too (and the reverse). True if `value` is an
   * instance by prototype chain, or if it carries the process-wide brand and, on a subclass, that
   * subclass's error code.
   */
  // `this` is whichever class `instanceof` was asked about, so one method serves every subclass.
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: the receiver is the subclass under test, not CodecError
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (!isBranded(value)) return false;
    // biome-ignore lint/complexity/noThisInStatic: each subclass answers with its own code
    const code = this.errorCode;
    return code === undefined || value.code === code;
  }
}

/** The input ended before the field could be read completely. */
export class TruncatedInputError extends CodecError {
  static override readonly errorCode = 'ERR_TRUNCATED';
}

/** A length or count prefix is negative (other than the null marker) or larger than the bytes left. */
export class InvalidLengthError extends CodecError {
  static override readonly errorCode = 'ERR_INVALID_LENGTH';
}

/** A field holds a value the format does not allow (bad magic, too-long varint, unknown codec id, ...). */
export class InvalidValueError extends CodecError {
  static override readonly errorCode = 'ERR_INVALID_VALUE';
}

/** The stored CRC does not match the CRC computed over the bytes. */
export class CrcMismatchError extends CodecError {
  static override readonly errorCode = 'ERR_CRC_MISMATCH';
  /** The CRC stored in the input (unsigned 32-bit). */
  readonly expected: number;
  /** The CRC computed over the bytes (unsigned 32-bit). */
  readonly actual: number;

  constructor(message: string, field: string, offset: number, expected: number, actual: number) {
    super(message, field, offset);
    this.expected = expected;
    this.actual = actual;
  }
}

/** A message or batch version this codec does not implement. */
export class UnsupportedVersionError extends CodecError {
  static override readonly errorCode = 'ERR_UNSUPPORTED_VERSION';
}

/** The compression library failed to compress or decompress (corrupt stream, bad framing). */
export class CompressionError extends CodecError {
  static override readonly errorCode = 'ERR_COMPRESSION';
}

/** An optional compression library is not installed; `packageName` is what to `npm install`. */
export class CompressionLibraryMissingError extends CodecError {
  static override readonly errorCode = 'ERR_COMPRESSION_LIBRARY_MISSING';
  readonly packageName: string;

  constructor(message: string, field: string, offset: number, packageName: string) {
    super(message, field, offset);
    this.packageName = packageName;
  }
}

/** Decompressed output would exceed the configured cap (a decompression bomb or a misconfigured cap). */
export class DecompressionLimitError extends CodecError {
  static override readonly errorCode = 'ERR_DECOMPRESSION_LIMIT';
}
