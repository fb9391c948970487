import { InvalidValueError } from '../../errors/codec-error.js';
import type { Reader } from '../../primitives/reader.js';
import type { Writer } from '../../primitives/writer.js';
import type { ScalarType } from './types.js';

export type Decode = (r: Reader) => unknown;
export type Encode = (w: Writer, v: unknown) => void;

/** How one value is read and written at one version, and the fewest bytes it can take on the wire. */
export interface ValueCodec {
  readonly decode: Decode;
  readonly encode: Encode;
  readonly minSize: number;
}

/** Encoding problems are reported against the writer position; the field path is added by the caller. */
export function invalidValue(w: Writer, detail: string): never {
  throw new InvalidValueError(detail, '', w.length);
}

export function describe(v: unknown): string {
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === 'bigint') return `bigint ${v}`;
  if (v === null || v === undefined) return String(v);
  if (v instanceof Uint8Array) return `${v.constructor.name}(${v.length})`;
  if (Array.isArray(v)) return `array(${v.length})`;
  if (typeof v === 'object') return 'object';
  return `${typeof v} ${String(v)}`;
}

function integer(
  name: string,
  min: number,
  max: number,
  read: Decode,
  write: Encode,
  size: number,
): ValueCodec {
  return {
    decode: read,
    encode: (w, v) => {
      if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) {
        invalidValue(w, `${describe(v)} is not an ${name} (${min}..${max})`);
      }
      write(w, v);
    },
    minSize: size,
  };
}

/**
 * Codec for a non-array scalar at one version. `leaf` is the name handed to the Reader for messages;
 * `compact` selects the flexible-version length encodings; `nullable` whether null is allowed.
 */
export function scalarCodec(type: ScalarType, leaf: string, compact: boolean, nullable: boolean): ValueCodec {
  switch (type) {
    case 'bool':
      return {
        decode: (r) => r.bool(leaf),
        encode: (w, v) => {
          if (typeof v !== 'boolean') invalidValue(w, `${describe(v)} is not a boolean`);
          w.bool(v);
        },
        minSize: 1,
      };
    case 'int8':
      return integer(
        'int8',
        -0x80,
        0x7f,
        (r) => r.int8(leaf),
        (w, v) => w.int8(v as number),
        1,
      );
    case 'int16':
      return integer(
        'int16',
        -0x8000,
        0x7fff,
        (r) => r.int16(leaf),
        (w, v) => w.int16(v as number),
        2,
      );
    case 'uint16':
      // Written through int16: the low 16 bits are the same bytes.
      return integer(
        'uint16',
        0,
        0xffff,
        (r) => r.int16(leaf) & 0xffff,
        (w, v) => w.int16(v as number),
        2,
      );
    case 'int32':
      return integer(
        'int32',
        -0x8000_0000,
        0x7fff_ffff,
        (r) => r.int32(leaf),
        (w, v) => w.int32(v as number),
        4,
      );
    case 'uint32':
      return integer(
        'uint32',
        0,
        0xffff_ffff,
        (r) => r.uint32(leaf),
        (w, v) => w.uint32(v as number),
        4,
      );
    case 'int64':
      return {
        decode: (r) => r.int64(leaf),
        encode: (w, v) => {
          if (typeof v !== 'bigint') invalidValue(w, `${describe(v)} is not a bigint`);
          w.int64(v);
        },
        minSize: 8,
      };
    case 'float64':
      return {
        decode: (r) => r.float64(leaf),
        encode: (w, v) => {
          if (typeof v !== 'number') invalidValue(w, `${describe(v)} is not a number`);
          w.float64(v);
        },
        minSize: 8,
      };
    case 'uuid':
      return {
        decode: (r) => r.uuid(leaf),
        encode: (w, v) => {
          if (typeof v !== 'string') invalidValue(w, `${describe(v)} is not a UUID string`);
          w.uuid(v);
        },
        minSize: 16,
      };
    case 'string':
      return stringCodec(leaf, compact, nullable);
    case 'bytes':
    case 'records':
      return bytesCodec(leaf, compact, nullable);
  }
}

function stringCodec(leaf: string, compact: boolean, nullable: boolean): ValueCodec {
  const decode: Decode = compact
    ? nullable
      ? (r) => r.compactNullableString(leaf)
      : (r) => r.compactString(leaf)
    : nullable
      ? (r) => r.nullableString(leaf)
      : (r) => r.string(leaf);
  const encode: Encode = (w, v) => {
    if (typeof v === 'string') {
      if (compact) w.compactString(v);
      else w.string(v);
    } else if (v === null && nullable) {
      if (compact) w.int8(0);
      else w.int16(-1);
    } else {
      invalidValue(w, `${describe(v)} is not a string${nullable ? ' or null' : ''}`);
    }
  };
  return { decode, encode, minSize: compact ? 1 : 2 };
}

function bytesCodec(leaf: string, compact: boolean, nullable: boolean): ValueCodec {
  const decode: Decode = compact
    ? nullable
      ? (r) => r.compactNullableBytes(leaf)
      : (r) => r.compactBytes(leaf)
    : nullable
      ? (r) => r.nullableBytes(leaf)
      : (r) => r.bytes(leaf);
  // One copy of the bytes into the writer, whatever their size (record batches on the produce path).
  const encode: Encode = (w, v) => {
    if (v instanceof Uint8Array) {
      if (compact) w.compactBytes(v);
      else w.bytes(v);
    } else if (v === null && nullable) {
      if (compact) w.int8(0);
      else w.int32(-1);
    } else {
      invalidValue(w, `${describe(v)} is not a Uint8Array${nullable ? ' or null' : ''}`);
    }
  };
  return { decode, encode, minSize: compact ? 1 : 4 };
}
