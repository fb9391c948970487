import { InvalidLengthError, InvalidValueError, TruncatedInputError } from '../errors/codec-error.js';
import { FastBuffer } from '../primitives/buffer-view.js';
import { CONTEXT } from './header.js';
import type { DecodedRecord, DecodedRecordHeader, RecordBatchHeader } from './types.js';
import { getUtf8 } from './utf8.js';

const EMPTY_HEADERS: DecodedRecordHeader[] = [];

/**
 * Reads the records section of one batch (raw, or already decompressed), one record per `next()`.
 * Every varint and length is bounded by the record's own declared size, which is itself bounded by
 * the bytes left, so nothing is allocated or trusted beyond the input. Offsets in errors are relative
 * to `origin`'s numbering: batch offsets for uncompressed records, decompressed-stream offsets else.
 */
export class RecordReader {
  readonly b: Buffer;
  pos: number;
  readonly end: number;
  /** Records read so far. */
  index = 0;
  readonly count: number;
  readonly #where: string;
  readonly #ab: ArrayBufferLike;
  readonly #abOffset: number;
  readonly #baseTs: number;
  readonly #baseTsBig: bigint;
  readonly #baseSafe: boolean;
  readonly #logAppendTime: bigint | undefined;
  readonly #lastOffsetDelta: number;
  readonly #isControl: boolean;
  #prevOffsetDelta = -1;

  constructor(b: Buffer, start: number, end: number, header: RecordBatchHeader, where: string) {
    this.b = b;
    this.pos = start;
    this.end = end;
    this.count = header.recordCount;
    this.#ab = b.buffer;
    this.#abOffset = b.byteOffset;
    this.#where = where;
    this.#baseTsBig = header.baseTimestamp;
    this.#baseSafe =
      header.baseTimestamp >= -0x1f_ffff_ffff_ffffn && header.baseTimestamp <= 0x1f_ffff_ffff_ffffn;
    this.#baseTs = this.#baseSafe ? Number(header.baseTimestamp) : 0;
    this.#logAppendTime = header.timestampType === 'LogAppendTime' ? header.maxTimestamp : undefined;
    this.#lastOffsetDelta = header.lastOffsetDelta;
    this.#isControl = header.isControl;
  }

  get done(): boolean {
    return this.index >= this.count;
  }

  /** After the last record: the declared count must have used up the records section exactly. */
  finish(): void {
    if (this.pos !== this.end) {
      throw new InvalidLengthError(
        `${CONTEXT}: records: ${this.count} records end at ${this.#at(this.pos)} but the records section has ${this.end - this.pos} more bytes`,
        'records',
        this.pos,
      );
    }
  }

  next(): DecodedRecord {
    const b = this.b;
    const i = this.index;
    const recordStart = this.pos;
    if (recordStart >= this.end) {
      throw new TruncatedInputError(
        `${CONTEXT}: records[${i}]: recordCount says ${this.count} records but the data ends after ${i} at ${this.#at(recordStart)}`,
        `records[${i}]`,
        recordStart,
      );
    }
    const length = this.#varint(i, 'length', this.end);
    if (length < 0 || length > this.end - this.pos) {
      throw new InvalidLengthError(
        `${CONTEXT}: records[${i}].length: length ${length} exceeds the ${this.end - this.pos} bytes left at ${this.#at(recordStart)}`,
        `records[${i}].length`,
        recordStart,
      );
    }
    const end = this.pos + length;
    if (this.pos >= end) this.#short(i, 'attributes', end);
    const attributes = (b[this.pos++]! << 24) >> 24;
    const timestampDelta = this.#varlong(i, end);
    const offsetDelta = this.#varint(i, 'offsetDelta', end);
    if (offsetDelta <= this.#prevOffsetDelta || offsetDelta > this.#lastOffsetDelta) {
      throw new InvalidValueError(
        `${CONTEXT}: records[${i}].offsetDelta: ${offsetDelta} is not after ${this.#prevOffsetDelta} and within lastOffsetDelta ${this.#lastOffsetDelta} at ${this.#at(recordStart)}`,
        `records[${i}].offsetDelta`,
        recordStart,
      );
    }
    this.#prevOffsetDelta = offsetDelta;
    const key = this.#bytes(i, 'key', end);
    const value = this.#bytes(i, 'value', end);
    const headerCountAt = this.pos;
    const headerCount = this.#varint(i, 'headers', end);
    let headers = EMPTY_HEADERS;
    if (headerCount !== 0) {
      // Each header takes at least two bytes (two length varints).
      if (headerCount < 0 || headerCount * 2 > end - this.pos) {
        throw new InvalidLengthError(
          `${CONTEXT}: records[${i}].headers: count ${headerCount} cannot fit in the ${end - this.pos} bytes left at ${this.#at(headerCountAt)}`,
          `records[${i}].headers`,
          headerCountAt,
        );
      }
      headers = [];
      for (let h = 0; h < headerCount; h++) {
        const keyAt = this.pos;
        const kl = this.#varint(i, `headers[${h}].key`, end);
        if (kl < 0 || kl > end - this.pos) {
          throw new InvalidLengthError(
            `${CONTEXT}: records[${i}].headers[${h}].key: length ${kl} is not within the ${end - this.pos} bytes left at ${this.#at(keyAt)}`,
            `records[${i}].headers[${h}].key`,
            keyAt,
          );
        }
        const hk = getUtf8(b, this.pos, this.pos + kl);
        this.pos += kl;
        headers.push({ key: hk, value: this.#bytes(i, `headers[${h}].value`, end) });
      }
    }
    if (this.pos !== end) {
      throw new InvalidLengthError(
        `${CONTEXT}: records[${i}].length: declared ${length} bytes but the fields use ${this.pos - (end - length)} at ${this.#at(recordStart)}`,
        `records[${i}].length`,
        recordStart,
      );
    }
    if (this.#isControl) this.#checkControlKey(i, key, recordStart);
    let timestamp: bigint;
    if (this.#logAppendTime !== undefined) timestamp = this.#logAppendTime;
    else if (this.#baseSafe) {
      const ts = this.#baseTs + timestampDelta;
      timestamp = Number.isSafeInteger(ts)
        ? BigInt(ts)
        : BigInt.asIntN(64, this.#baseTsBig + BigInt(timestampDelta));
    } else timestamp = BigInt.asIntN(64, this.#baseTsBig + BigInt(timestampDelta));
    this.index = i + 1;
    return { attributes, timestampDelta, timestamp, offsetDelta, key, value, headers };
  }

  #at(pos: number): string {
    return `${this.#where} ${pos}`;
  }

  #short(i: number, field: string, end: number): never {
    throw new TruncatedInputError(
      `${CONTEXT}: records[${i}].${field}: the record ends at ${this.#at(end)} before this field`,
      `records[${i}].${field}`,
      this.pos,
    );
  }

  /** Zigzag varint (≤ 5 bytes, int32) bounded by `end`. */
  #varint(i: number, field: string, end: number): number {
    const b = this.b;
    let p = this.pos;
    if (p < end) {
      const b0 = b[p]!;
      if (b0 < 0x80) {
        this.pos = p + 1;
        return (b0 >>> 1) ^ -(b0 & 1);
      }
    }
    const start = p;
    let z = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      if (p >= end) this.#short(i, field, end);
      const byte = b[p++]!;
      if (shift === 28) {
        if (byte > 0x0f) this.#tooLong(i, field, start);
        z = (z | (byte << 28)) >>> 0;
        this.pos = p;
        return (z >>> 1) ^ -(z & 1);
      }
      z |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    this.pos = p;
    return (z >>> 1) ^ -(z & 1);
  }

  /** Zigzag varlong that must be a safe integer (timestamp deltas beyond ±2^53 ms are rejected). */
  #varlong(i: number, end: number): number {
    const b = this.b;
    let p = this.pos;
    if (p < end) {
      const b0 = b[p]!;
      if (b0 < 0x80) {
        this.pos = p + 1;
        return (b0 >>> 1) ^ -(b0 & 1);
      }
    }
    const start = p;
    let z = 0;
    let scale = 1;
    for (let n = 0; n < 10; n++) {
      if (p >= end) this.#short(i, 'timestampDelta', end);
      const byte = b[p++]!;
      z += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (z > Number.MAX_SAFE_INTEGER) break;
        this.pos = p;
        return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      }
      scale *= 0x80;
    }
    throw new InvalidValueError(
      `${CONTEXT}: records[${i}].timestampDelta: varlong at ${this.#at(start)} is not a safe integer`,
      `records[${i}].timestampDelta`,
      start,
    );
  }

  #tooLong(i: number, field: string, at: number): never {
    throw new InvalidValueError(
      `${CONTEXT}: records[${i}].${field}: varint at ${this.#at(at)} does not fit in 32 bits`,
      `records[${i}].${field}`,
      at,
    );
  }

  /** varint length (-1 = null) + bytes, as a view. */
  #bytes(i: number, field: string, end: number): Buffer | null {
    const at = this.pos;
    const n = this.#varint(i, field, end);
    if (n === -1) return null;
    if (n < -1 || n > end - this.pos) {
      throw new InvalidLengthError(
        `${CONTEXT}: records[${i}].${field}: length ${n} is not within the ${end - this.pos} bytes left at ${this.#at(at)}`,
        `records[${i}].${field}`,
        at,
      );
    }
    const p = this.pos;
    this.pos = p + n;
    return new FastBuffer(this.#ab, this.#abOffset + p, n);
  }

  #checkControlKey(i: number, key: Buffer | null, at: number): void {
    if (key === null || key.length < 4) {
      throw new InvalidValueError(
        `${CONTEXT}: records[${i}].key: a control record key needs version and type (4 bytes), got ${key === null ? 'null' : `${key.length} bytes`} at ${this.#at(at)}`,
        `records[${i}].key`,
        at,
      );
    }
    const version = key.readInt16BE(0);
    if (version < 0) {
      throw new InvalidValueError(
        `${CONTEXT}: records[${i}].key: control record key version ${version} is negative at ${this.#at(at)}`,
        `records[${i}].key`,
        at,
      );
    }
  }
}
