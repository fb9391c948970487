import { InvalidLengthError, InvalidValueError, TruncatedInputError } from '../errors/codec-error.js';
import { viewOf } from './buffer-view.js';

const TWO_POW_32 = 0x1_0000_0000;
const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Reads Kafka wire primitives from a byte range. Every read is bounds-checked against `end` and every
 * length prefix is checked against the bytes left *before* anything is allocated, so hostile input ends
 * in a typed CodecError naming the field and offset. Byte strings are returned as views (no copy).
 */
export class Reader {
  /** @internal The whole underlying buffer; reads are confined to `[offset, end)`. */
  readonly buf: Buffer;
  offset: number;
  readonly end: number;
  /** Prefix for error messages, e.g. `Produce v9 request`. */
  context = '';
  #view: DataView | undefined;

  constructor(buf: Uint8Array, offset = 0, end: number = buf.length) {
    this.buf = asBuffer(buf);
    if (!(offset >= 0 && end <= buf.length && offset <= end)) {
      throw new RangeError(`Reader range [${offset}, ${end}) is outside the ${buf.length}-byte input`);
    }
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  /** Signed 8-bit integer. Throws TruncatedInputError if no byte is left; `field` names it in errors. */
  int8(field: string): number {
    const o = this.offset;
    if (o >= this.end) this.#truncated(field, 1);
    this.offset = o + 1;
    return (this.buf[o]! << 24) >> 24;
  }

  /** Signed big-endian 16-bit integer. Throws TruncatedInputError if fewer than 2 bytes are left. */
  int16(field: string): number {
    const o = this.offset;
    if (o + 2 > this.end) this.#truncated(field, 2);
    const b = this.buf;
    this.offset = o + 2;
    return ((b[o]! << 24) | (b[o + 1]! << 16)) >> 16;
  }

  /** Signed big-endian 32-bit integer. Throws TruncatedInputError if fewer than 4 bytes are left. */
  int32(field: string): number {
    const o = this.offset;
    if (o + 4 > this.end) this.#truncated(field, 4);
    const b = this.buf;
    this.offset = o + 4;
    return (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
  }

  /** Unsigned big-endian 32-bit integer (0..2^32-1), e.g. a CRC-32C. Throws like int32. */
  uint32(field: string): number {
    return this.int32(field) >>> 0;
  }

  /**
   * Signed big-endian 64-bit integer as a bigint, so every value is exact. Throws TruncatedInputError if
   * fewer than 8 bytes are left.
   */
  int64(field: string): bigint {
    const o = this.offset;
    if (o + 8 > this.end) this.#truncated(field, 8);
    this.offset = o + 8;
    return this.#dataView().getBigInt64(o);
  }

  /** @internal int64 as a number when it is a safe integer, else InvalidValueError. */
  int64Number(field: string): number {
    const o = this.offset;
    if (o + 8 > this.end) this.#truncated(field, 8);
    const b = this.buf;
    const hi = (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
    const lo = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
    const v = hi * TWO_POW_32 + lo;
    if (!Number.isSafeInteger(v))
      this.#invalid(field, `${this.#dataView().getBigInt64(o)} is not a safe integer`, o);
    this.offset = o + 8;
    return v;
  }

  /** Big-endian IEEE 754 double. Throws TruncatedInputError if fewer than 8 bytes are left. */
  float64(field: string): number {
    const o = this.offset;
    if (o + 8 > this.end) this.#truncated(field, 8);
    this.offset = o + 8;
    return this.#dataView().getFloat64(o);
  }

  /** One byte; any non-zero value reads as true, as Kafka's own reader does. */
  bool(field: string): boolean {
    return this.int8(field) !== 0;
  }

  /** Unsigned LEB128, at most 5 bytes, value within uint32. */
  uvarint(field: string): number {
    const b = this.buf;
    const end = this.end;
    const start = this.offset;
    let o = start;
    if (o < end) {
      const b0 = b[o]!;
      if (b0 < 0x80) {
        this.offset = o + 1;
        return b0;
      }
    }
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (o >= end) this.#truncatedAt(field, start, 'varint');
      const byte = b[o++]!;
      if (shift === 28) {
        if (byte > 0x0f) this.#invalid(field, 'unsigned varint does not fit in 32 bits', start);
        this.offset = o;
        return value + byte * 0x1000_0000;
      }
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.offset = o;
        return value >>> 0;
      }
    }
    return this.#invalid(field, 'unreachable', start);
  }

  /** Zigzag varint of an int32. */
  varint(field: string): number {
    const o = this.offset;
    if (o < this.end) {
      const b0 = this.buf[o]!;
      if (b0 < 0x80) {
        this.offset = o + 1;
        return (b0 >>> 1) ^ -(b0 & 1);
      }
    }
    const u = this.uvarint(field);
    return (u >>> 1) ^ -(u & 1);
  }

  /** Zigzag varlong of an int64, at most 10 bytes. */
  varlong(field: string): bigint {
    const start = this.offset;
    const n = this.#varlongSafe(field);
    if (n !== undefined) return BigInt(n);
    this.offset = start;
    return this.#varlongBig(field);
  }

  /** Zigzag varlong that must be a safe integer (InvalidValueError otherwise); no bigint on the way. */
  varlongNumber(field: string): number {
    const start = this.offset;
    const n = this.#varlongSafe(field);
    if (n !== undefined) return n;
    this.offset = start;
    const big = this.#varlongBig(field);
    if (big >= -0x1f_ffff_ffff_ffffn && big <= 0x1f_ffff_ffff_ffffn) return Number(big);
    return this.#invalid(field, `varlong ${big} is not a safe integer`, start);
  }

  /** 16 bytes as a lowercase hyphenated UUID string. Throws TruncatedInputError if fewer are left. */
  uuid(field: string): string {
    const o = this.offset;
    if (o + 16 > this.end) this.#truncated(field, 16);
    const b = this.buf;
    let s = '';
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
      s += HEX[b[o + i]!];
    }
    this.offset = o + 16;
    return s;
  }

  /** int16-length UTF-8 string; null (-1) is rejected. */
  string(field: string): string {
    const s = this.nullableString(field);
    if (s === null) this.#invalid(field, 'null where a string is required', this.offset - 2);
    return s;
  }

  /**
   * int16-length UTF-8 string; length -1 is null. Throws InvalidLengthError for any other negative length
   * or one longer than the bytes left. Invalid UTF-8 decodes to U+FFFD rather than throwing.
   */
  nullableString(field: string): string | null {
    const at = this.offset;
    const n = this.int16(field);
    if (n === -1) return null;
    return this.#utf8(field, n, at);
  }

  /** uvarint(length + 1) UTF-8 string (flexible versions); null (prefix 0) is an InvalidValueError. */
  compactString(field: string): string {
    const at = this.offset;
    const s = this.compactNullableString(field);
    if (s === null) this.#invalid(field, 'null where a string is required', at);
    return s;
  }

  /**
   * uvarint(length + 1) UTF-8 string (flexible versions); prefix 0 is null. Throws InvalidLengthError if
   * the length is longer than the bytes left.
   */
  compactNullableString(field: string): string | null {
    const at = this.offset;
    const n = this.uvarint(field) - 1;
    if (n === -1) return null;
    return this.#utf8(field, n, at);
  }

  /** int32-length bytes as a view into the input; null (-1) is rejected. */
  bytes(field: string): Buffer {
    const at = this.offset;
    const v = this.nullableBytes(field);
    if (v === null) this.#invalid(field, 'null where bytes are required', at);
    return v;
  }

  /**
   * int32-length bytes as a view into the input (no copy); length -1 is null. Throws InvalidLengthError for
   * any other negative length or one longer than the bytes left.
   */
  nullableBytes(field: string): Buffer | null {
    const at = this.offset;
    const n = this.int32(field);
    if (n === -1) return null;
    return this.#slice(field, n, at);
  }

  /** uvarint(length + 1) bytes as a view into the input; null (prefix 0) is an InvalidValueError. */
  compactBytes(field: string): Buffer {
    const at = this.offset;
    const v = this.compactNullableBytes(field);
    if (v === null) this.#invalid(field, 'null where bytes are required', at);
    return v;
  }

  /**
   * uvarint(length + 1) bytes as a view into the input; prefix 0 is null. Throws InvalidLengthError if the
   * length is longer than the bytes left.
   */
  compactNullableBytes(field: string): Buffer | null {
    const at = this.offset;
    const n = this.uvarint(field) - 1;
    if (n === -1) return null;
    return this.#slice(field, n, at);
  }

  /** The next `n` bytes as a view. */
  raw(n: number, field: string): Buffer {
    return this.#slice(field, n, this.offset);
  }

  /** Moves past `n` bytes unread. Throws InvalidLengthError if `n` is negative or runs past `end`. */
  skip(n: number, field: string): void {
    this.#checkLength(field, n, this.offset);
    this.offset += n;
  }

  /** int32 element count; -1 means null. A count larger than the bytes left cannot be honest. */
  arrayLength(field: string): number {
    const at = this.offset;
    const n = this.int32(field);
    if (n === -1) return -1;
    this.#checkLength(field, n, at);
    return n;
  }

  /** uvarint(count + 1); 0 means null (returned as -1). */
  compactArrayLength(field: string): number {
    const at = this.offset;
    const n = this.uvarint(field) - 1;
    if (n === -1) return -1;
    this.#checkLength(field, n, at);
    return n;
  }

  /** A reader over the next `n` bytes only, sharing the context; this reader moves past them. */
  sub(n: number, field: string): Reader {
    this.#checkLength(field, n, this.offset);
    const child = new Reader(this.buf, this.offset, this.offset + n);
    child.context = this.context;
    this.offset += n;
    return child;
  }

  /** Formats an error message the way every codec error reads: `<context>: <field>: <detail>`. */
  message(field: string, detail: string): string {
    return this.context === '' ? `${field}: ${detail}` : `${this.context}: ${field}: ${detail}`;
  }

  #slice(field: string, n: number, at: number): Buffer {
    this.#checkLength(field, n, at);
    const o = this.offset;
    this.offset = o + n;
    return viewOf(this.buf, o, n);
  }

  #utf8(field: string, n: number, at: number): string {
    this.#checkLength(field, n, at);
    const o = this.offset;
    this.offset = o + n;
    return this.buf.toString('utf8', o, o + n);
  }

  /** `n` comes from a length prefix that started at `at`; it must fit in what is left. */
  #checkLength(field: string, n: number, at: number): void {
    if (n < 0) {
      throw new InvalidLengthError(this.message(field, `negative length ${n} at offset ${at}`), field, at);
    }
    if (n > this.end - this.offset) {
      throw new InvalidLengthError(
        this.message(field, `length ${n} exceeds the ${this.end - this.offset} bytes left at offset ${at}`),
        field,
        at,
      );
    }
  }

  /** Decodes a zigzag varlong whose value is a safe integer; undefined if it is not (or may not be). */
  #varlongSafe(field: string): number | undefined {
    const b = this.buf;
    const end = this.end;
    const start = this.offset;
    let o = start;
    let z = 0;
    // The first four groups fit a 28-bit int; beyond, multiply so the float stays exact up to 2^53.
    for (let shift = 0; shift < 28; shift += 7) {
      if (o >= end) this.#truncatedAt(field, start, 'varlong');
      const byte = b[o++]!;
      z |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.offset = o;
        return (z >>> 1) ^ -(z & 1);
      }
    }
    let scale = 0x1000_0000;
    for (let i = 4; i < 8; i++) {
      if (o >= end) this.#truncatedAt(field, start, 'varlong');
      const byte = b[o++]!;
      z += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (z > Number.MAX_SAFE_INTEGER) return undefined;
        this.offset = o;
        // Zigzag decode in float arithmetic: even → z/2, odd → -(z+1)/2.
        return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      }
      scale *= 0x80;
    }
    return undefined;
  }

  #varlongBig(field: string): bigint {
    const b = this.buf;
    const end = this.end;
    const start = this.offset;
    let o = start;
    let z = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (o >= end) this.#truncatedAt(field, start, 'varlong');
      const byte = b[o++]!;
      if (shift === 63n && byte > 1) this.#invalid(field, 'varlong does not fit in 64 bits', start);
      z |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.offset = o;
        return (z >> 1n) ^ -(z & 1n);
      }
    }
    return this.#invalid(field, 'varlong does not fit in 64 bits', start);
  }

  #dataView(): DataView {
    if (this.#view === undefined) {
      this.#view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    }
    return this.#view;
  }

  #truncated(field: string, need: number): never {
    const left = this.end - this.offset;
    throw new TruncatedInputError(
      this.message(field, `needs ${need} bytes but only ${left} are left at offset ${this.offset}`),
      field,
      this.offset,
    );
  }

  #truncatedAt(field: string, at: number, what: string): never {
    throw new TruncatedInputError(
      this.message(field, `${what} at offset ${at} runs past the end of the input`),
      field,
      at,
    );
  }

  #invalid(field: string, detail: string, at: number): never {
    throw new InvalidValueError(this.message(field, `${detail} (offset ${at})`), field, at);
  }
}
