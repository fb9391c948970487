import { InvalidValueError } from '../errors/codec-error.js';

const TWO_POW_32 = 0x1_0000_0000;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function invalid(field: string, message: string, offset: number): never {
  throw new InvalidValueError(`${field}: ${message}`, field, offset);
}

/**
 * Writes Kafka wire primitives into one growable Buffer. Nothing is allocated per field: the buffer
 * doubles when full and is kept across `reset()` so a writer can be reused for every request.
 */
export class Writer {
  /** @internal The backing buffer; only bytes `[0, pos)` are meaningful. */
  buf: Buffer;
  /** @internal Next write position. */
  pos = 0;
  /** Created on the first bigint/float write; most writers never need one. */
  #dataView: DataView | undefined;

  constructor(initialCapacity = 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialCapacity));
  }

  get #view(): DataView {
    let v = this.#dataView;
    if (v === undefined) {
      v = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
      this.#dataView = v;
    }
    return v;
  }

  get length(): number {
    return this.pos;
  }

  /** Empties the writer for the next message; the buffer is kept so reuse allocates nothing. */
  reset(): this {
    this.pos = 0;
    return this;
  }

  /** @internal Makes room for `n` more bytes. Callers that write into `buf` directly call this first. */
  ensure(n: number): void {
    const needed = this.pos + n;
    if (needed <= this.buf.length) return;
    let capacity = this.buf.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = Buffer.allocUnsafe(capacity);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.#dataView = undefined;
  }

  /** Low 8 bits of `v`. The fixed-width writes do not range-check; the schema codecs check before writing. */
  int8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  /** Big-endian low 16 bits of `v`. */
  int16(v: number): this {
    this.ensure(2);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >> 8;
    b[p + 1] = v;
    this.pos = p + 2;
    return this;
  }

  /** Big-endian low 32 bits of `v`. */
  int32(v: number): this {
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
    return this;
  }

  /** Same bytes as int32; takes 0..2^32-1 (e.g. a CRC-32C) as well as signed values. */
  uint32(v: number): this {
    return this.int32(v);
  }

  /** Big-endian int64. Throws InvalidValueError if `v` is outside -2^63..2^63-1. */
  int64(v: bigint): this {
    if (v < INT64_MIN || v > INT64_MAX) invalid('int64', `${v} is outside the int64 range`, this.pos);
    this.ensure(8);
    this.setInt64At(this.pos, v);
    this.pos += 8;
    return this;
  }

  /** Writes a safe integer as int64 without going through bigint (timestamps, ids on the hot path). */
  int64Number(v: number): this {
    this.ensure(8);
    this.#setInt64NumberAt(this.pos, v);
    this.pos += 8;
    return this;
  }

  /** Big-endian IEEE 754 double. */
  float64(v: number): this {
    this.ensure(8);
    this.#view.setFloat64(this.pos, v);
    this.pos += 8;
    return this;
  }

  /** One byte: 1 for true, 0 for false. */
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  /** Unsigned LEB128 of a uint32 (flexible-version lengths, counts and tags). */
  uvarint(v: number): this {
    if (!(v >= 0 && v <= 0xffff_ffff) || v !== Math.floor(v)) {
      invalid('uvarint', `${v} is not a uint32`, this.pos);
    }
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    v >>>= 0;
    while (v > 0x7f) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p++] = v;
    this.pos = p;
    return this;
  }

  /** Zigzag varint of an int32 (record-level lengths and deltas). */
  varint(v: number): this {
    if (!(v >= -0x8000_0000 && v <= 0x7fff_ffff) || v !== Math.floor(v)) {
      invalid('varint', `${v} is not an int32`, this.pos);
    }
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    let z = ((v << 1) ^ (v >> 31)) >>> 0;
    while (z > 0x7f) {
      b[p++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    b[p++] = z;
    this.pos = p;
    return this;
  }

  /** Zigzag varlong of an int64. */
  varlong(v: bigint): this {
    if (v >= -0x1f_ffff_ffff_ffffn && v <= 0x1f_ffff_ffff_ffffn) return this.varlongNumber(Number(v));
    if (v < INT64_MIN || v > INT64_MAX) invalid('varlong', `${v} is outside the int64 range`, this.pos);
    this.ensure(10);
    this.pos = writeVarlongBigint(this.buf, this.pos, v);
    return this;
  }

  /** Zigzag varlong of a safe integer, without bigint arithmetic. */
  varlongNumber(v: number): this {
    if (!Number.isSafeInteger(v)) invalid('varlong', `${v} is not a safe integer`, this.pos);
    this.ensure(10);
    this.pos = writeVarlongNumber(this.buf, this.pos, v);
    return this;
  }

  /** 16 bytes from a lowercase hyphenated UUID string; any other form throws InvalidValueError. */
  uuid(v: string): this {
    if (!UUID_PATTERN.test(v)) invalid('uuid', `"${v}" is not a lowercase hyphenated UUID`, this.pos);
    this.ensure(16);
    const p = this.pos;
    this.buf.write(v.slice(0, 8), p, 'hex');
    this.buf.write(v.slice(9, 13), p + 4, 'hex');
    this.buf.write(v.slice(14, 18), p + 6, 'hex');
    this.buf.write(v.slice(19, 23), p + 8, 'hex');
    this.buf.write(v.slice(24), p + 10, 'hex');
    this.pos = p + 16;
    return this;
  }

  /** int16-length UTF-8 string. */
  string(v: string): this {
    const start = this.pos;
    this.ensure(2 + v.length * 3);
    const n = this.#utf8At(start + 2, v);
    if (n > 0x7fff) invalid('string', `${n} UTF-8 bytes exceed the int16 length limit`, start);
    this.buf[start] = n >> 8;
    this.buf[start + 1] = n;
    this.pos = start + 2 + n;
    return this;
  }

  /** int16-length UTF-8 string, or length -1 for null. Throws like string. */
  nullableString(v: string | null): this {
    return v === null ? this.int16(-1) : this.string(v);
  }

  /** uvarint(length + 1) UTF-8 string. */
  compactString(v: string): this {
    if (v.length * 3 < 0x7f) {
      // The length prefix is sure to fit one byte: write the text first, then the prefix.
      this.ensure(1 + v.length * 3);
      const start = this.pos;
      const n = this.#utf8At(start + 1, v);
      this.buf[start] = n + 1;
      this.pos = start + 1 + n;
      return this;
    }
    const n = Buffer.byteLength(v, 'utf8');
    this.uvarint(n + 1);
    this.ensure(n);
    this.pos += this.buf.write(v, this.pos, n, 'utf8');
    return this;
  }

  /** uvarint(length + 1) UTF-8 string, or prefix 0 for null (flexible versions). */
  compactNullableString(v: string | null): this {
    return v === null ? this.int8(0) : this.compactString(v);
  }

  /** int32-length bytes. */
  bytes(v: Uint8Array): this {
    return this.int32(v.length).raw(v);
  }

  /** int32-length bytes, or length -1 for null. */
  nullableBytes(v: Uint8Array | null): this {
    return v === null ? this.int32(-1) : this.bytes(v);
  }

  /** uvarint(length + 1) bytes (flexible versions). */
  compactBytes(v: Uint8Array): this {
    return this.uvarint(v.length + 1).raw(v);
  }

  /** uvarint(length + 1) bytes, or prefix 0 for null (flexible versions). */
  compactNullableBytes(v: Uint8Array | null): this {
    return v === null ? this.int8(0) : this.compactBytes(v);
  }

  /** Copies `v` as is, with no length prefix. */
  raw(v: Uint8Array): this {
    const n = v.length;
    this.ensure(n);
    if (n < 48) {
      // Short copies are faster by hand than through the native copy.
      const b = this.buf;
      const p = this.pos;
      for (let i = 0; i < n; i++) b[p + i] = v[i]!;
    } else {
      this.buf.set(v, this.pos);
    }
    this.pos += n;
    return this;
  }

  /** Skips `n` bytes to be patched later with the `set*At` methods; returns their offset. */
  reserve(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /**
   * Overwrites one byte at `offset` (from reserve) with the low 8 bits of `v`. The `set*At` methods neither
   * grow the buffer nor move the write position, and are not bounds-checked.
   */
  setInt8At(offset: number, v: number): void {
    this.buf[offset] = v;
  }

  /** Overwrites 2 bytes at `offset` with big-endian `v`, e.g. batch attributes. */
  setInt16At(offset: number, v: number): void {
    this.buf[offset] = v >> 8;
    this.buf[offset + 1] = v;
  }

  /** Overwrites 4 bytes at `offset` with big-endian `v`, e.g. a size prefix patched after the body. */
  setInt32At(offset: number, v: number): void {
    const b = this.buf;
    b[offset] = v >>> 24;
    b[offset + 1] = v >>> 16;
    b[offset + 2] = v >>> 8;
    b[offset + 3] = v;
  }

  /** Same bytes as setInt32At; for unsigned values such as the batch CRC-32C, known only after the body. */
  setUint32At(offset: number, v: number): void {
    this.setInt32At(offset, v);
  }

  /** Overwrites 8 bytes at `offset` with big-endian `v` (not range-checked: out-of-range values wrap). */
  setInt64At(offset: number, v: bigint): void {
    // Safe-integer values (offsets, producer ids, timestamps) skip bigint arithmetic.
    if (v >= -0x1f_ffff_ffff_ffffn && v <= 0x1f_ffff_ffff_ffffn) this.#setInt64NumberAt(offset, Number(v));
    else this.#view.setBigInt64(offset, v);
  }

  /** @internal */
  setInt64NumberAt(offset: number, v: number): void {
    this.#setInt64NumberAt(offset, v);
  }

  /** A view of the bytes written so far; valid until the writer is reset or written again. */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of the bytes written so far. */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  #setInt64NumberAt(offset: number, v: number): void {
    const hi = Math.floor(v / TWO_POW_32);
    const lo = v - hi * TWO_POW_32;
    const b = this.buf;
    b[offset] = hi >>> 24;
    b[offset + 1] = hi >>> 16;
    b[offset + 2] = hi >>> 8;
    b[offset + 3] = hi;
    b[offset + 4] = lo >>> 24;
    b[offset + 5] = lo >>> 16;
    b[offset + 6] = lo >>> 8;
    b[offset + 7] = lo;
  }

  /** Writes `v` as UTF-8 at `at` (capacity already ensured) and returns the byte count. */
  #utf8At(at: number, v: string): number {
    const n = v.length;
    if (n < 32) {
      const b = this.buf;
      let i = 0;
      for (; i < n; i++) {
        const c = v.charCodeAt(i);
        if (c >= 0x80) break;
        b[at + i] = c;
      }
      if (i === n) return n;
    }
    return this.buf.write(v, at, 'utf8');
  }
}

/**
 * Writes the zigzag varlong of a safe integer at `p` and returns the next position. Shared with the
 * record encoder, which writes timestamp deltas without going through the Writer methods.
 */
export function writeVarlongNumber(b: Uint8Array, p: number, v: number): number {
  if (v >= -0x4000_0000 && v < 0x4000_0000) {
    let z = ((v << 1) ^ (v >> 31)) >>> 0;
    while (z > 0x7f) {
      b[p++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    b[p++] = z;
    return p;
  }
  if (v > -0x10_0000_0000_0000 && v < 0x10_0000_0000_0000) {
    // 2^30 ≤ |v| < 2^52: zigzag in float arithmetic, exact because the result stays below 2^53.
    let z = v >= 0 ? v * 2 : -v * 2 - 1;
    while (z >= 0x80) {
      b[p++] = (z % 0x80) | 0x80;
      z = Math.floor(z / 0x80);
    }
    b[p++] = z;
    return p;
  }
  return writeVarlongBigint(b, p, BigInt(v));
}

/** Writes the zigzag varlong of an int64 (already range-checked) at `p`; returns the next position. */
export function writeVarlongBigint(b: Uint8Array, p: number, v: bigint): number {
  let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  while (z > 0x7fn) {
    b[p++] = Number(z & 0x7fn) | 0x80;
    z >>= 7n;
  }
  b[p++] = Number(z);
  return p;
}
