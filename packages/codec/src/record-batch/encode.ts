import { crc32c } from '../crc32c/index.js';
import { compressionCodec } from '../compression/registry.js';
import type { CompressionId } from '../compression/types.js';
import { InvalidValueError } from '../errors/codec-error.js';
import { viewOf } from '../primitives/buffer-view.js';
import { Writer } from '../primitives/writer.js';
import { writeVarlongNumber } from '../primitives/writer.js';
import {
  ATTRIBUTES_OFFSET,
  CONTROL_BIT,
  CRC_OFFSET,
  DELETE_HORIZON_BIT,
  HEADER_SIZE,
  LOG_OVERHEAD,
  MAGIC_V2,
  TIMESTAMP_TYPE_BIT,
  TRANSACTIONAL_BIT,
} from './layout.js';
import type { EncodeRecordBatchOptions, RecordBatchInput, RecordInput } from './types.js';
import { putUtf8, utf8Length } from './utf8.js';
import { putUvarint, uvarintSize, varintSize, varlongSizeNumber } from './varint.js';

const INT32_MAX = 0x7fff_ffff;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Per-call scratch, kept across calls so encoding allocates nothing per record: the body size of each
 * record, its timestamp delta, and the UTF-8 length of each header key, all found in the sizing pass
 * and consumed by the writing pass.
 */
let bodySizes = new Int32Array(256);
let deltas = new Float64Array(256);
let keyLengths = new Int32Array(256);
/** Compressed batches first write their records here. */
const recordsScratch = new Writer(64 * 1024);

function invalid(field: string, detail: string): never {
  throw new InvalidValueError(`RecordBatch: ${field}: ${detail}`, field, 0);
}

function checkInt(field: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max)
    invalid(field, `${v} is not an integer in [${min}, ${max}]`);
}

function checkInt64(field: string, v: bigint): void {
  if (typeof v !== 'bigint' || v < INT64_MIN || v > INT64_MAX)
    invalid(field, `${String(v)} is not an int64 bigint`);
}

/** A timestamp as a number when it is a safe integer, else NaN (the caller falls back to bigint). */
function timestampNumber(field: string, ts: bigint | number): number {
  if (typeof ts === 'number') {
    if (!Number.isSafeInteger(ts)) invalid(field, `${ts} is not a safe integer; pass a bigint`);
    return ts;
  }
  if (typeof ts !== 'bigint' || ts < INT64_MIN || ts > INT64_MAX)
    invalid(field, `${String(ts)} is not an int64`);
  return ts >= -0x1f_ffff_ffff_ffffn && ts <= 0x1f_ffff_ffff_ffffn ? Number(ts) : Number.NaN;
}

function bytesSize(v: Uint8Array | null | undefined, field: string, i: number): number {
  if (v === null || v === undefined) return 1;
  if (!(v instanceof Uint8Array)) invalid(`records[${i}].${field}`, 'must be a Uint8Array or null');
  const n = v.length;
  return (n < 64 ? 1 : uvarintSize(n * 2)) + n;
}

function ensureScratch(records: number, headers: number): void {
  if (bodySizes.length < records) {
    const size = Math.max(records, bodySizes.length * 2);
    bodySizes = new Int32Array(size);
    deltas = new Float64Array(size);
  }
  if (keyLengths.length < headers) {
    // Called mid-pass: keep the key lengths already recorded for earlier records.
    const grown = new Int32Array(Math.max(headers, keyLengths.length * 2));
    grown.set(keyLengths);
    keyLengths = grown;
  }
}

/** Sizing pass: fills the scratch arrays and returns the total bytes of all records. */
function sizeRecords(
  records: readonly RecordInput[],
  base: number,
  baseTs: bigint | number,
  now: number,
): number {
  const n = records.length;
  let total = 0;
  let keyIndex = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const ts = r.timestamp;
    let delta: number;
    let deltaSize: number;
    const tsNum =
      ts === undefined
        ? now
        : typeof ts === 'number' && Number.isSafeInteger(ts)
          ? ts
          : timestampNumber(`records[${i}].timestamp`, ts);
    delta = tsNum - base;
    if (Number.isSafeInteger(delta)) {
      deltaSize = varlongSizeNumber(delta);
    } else {
      // A timestamp or base beyond 2^53: subtract in bigint. The delta itself must be a safe integer
      // (within ±285,000 years), which the decoder also requires so deltas stay numbers.
      const big = BigInt(ts ?? now) - BigInt(baseTs);
      if (big < -0x1f_ffff_ffff_ffffn || big > 0x1f_ffff_ffff_ffffn) {
        invalid(
          `records[${i}].timestamp`,
          `${String(ts)} is more than 2^53 ms from baseTimestamp ${String(baseTs)}`,
        );
      }
      delta = Number(big);
      deltaSize = varlongSizeNumber(delta);
    }
    deltas[i] = delta;
    let body =
      1 +
      deltaSize +
      (i < 64 ? 1 : varintSize(i)) +
      bytesSize(r.key, 'key', i) +
      bytesSize(r.value, 'value', i);
    const headers = r.headers;
    if (headers === undefined || headers.length === 0) {
      body += 1;
    } else {
      const hn = headers.length;
      body += varintSize(hn);
      ensureScratch(0, keyIndex + hn);
      for (let h = 0; h < hn; h++) {
        const header = headers[h]!;
        const key = header.key;
        if (typeof key !== 'string') invalid(`records[${i}].headers[${h}].key`, 'must be a string');
        const kl = utf8Length(key);
        keyLengths[keyIndex++] = kl;
        body += varintSize(kl) + kl + bytesSize(header.value, `headers[${h}].value`, i);
      }
    }
    if (body > INT32_MAX) invalid(`records[${i}]`, `record of ${body} bytes exceeds the int32 size limit`);
    bodySizes[i] = body;
    total += varintSize(body) + body;
  }
  return total;
}

function putBytes(b: Buffer, p: number, v: Uint8Array | null | undefined): number {
  if (v === null || v === undefined) {
    b[p] = 1; // zigzag(-1)
    return p + 1;
  }
  const n = v.length;
  p = putUvarint(b, p, n * 2);
  if (n < 64) {
    for (let i = 0; i < n; i++) b[p + i] = v[i]!;
  } else {
    b.set(v, p);
  }
  return p + n;
}

/** Writing pass: the sizes are known, so capacity is ensured once and no bounds are re-checked. */
function writeRecords(b: Buffer, p: number, records: readonly RecordInput[]): number {
  const n = records.length;
  let keyIndex = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    p = putUvarint(b, p, bodySizes[i]! * 2);
    b[p++] = 0; // record attributes: unused
    const delta = deltas[i]!;
    if (delta >= 0 && delta < 0x40) b[p++] = delta * 2;
    else p = writeVarlongNumber(b, p, delta);
    p = putUvarint(b, p, i * 2);
    p = putBytes(b, p, r.key);
    p = putBytes(b, p, r.value);
    const headers = r.headers;
    if (headers === undefined || headers.length === 0) {
      b[p++] = 0;
    } else {
      const hn = headers.length;
      p = putUvarint(b, p, hn * 2);
      for (let h = 0; h < hn; h++) {
        const header = headers[h]!;
        const kl = keyLengths[keyIndex++]!;
        p = putUvarint(b, p, kl * 2);
        p = putUtf8(b, p, header.key, kl);
        p = putBytes(b, p, header.value);
      }
    }
  }
  return p;
}

function compressionIdOf(c: RecordBatchInput['compression']): CompressionId {
  if (c === undefined || c === 'none' || c === 0) return 0;
  return compressionCodec(c).id;
}

/**
 * Encodes a RecordBatch v2. Records are sized in one pass and written in a second straight into the
 * output, the CRC is computed over the finished bytes and patched in place. With `options.writer` the
 * batch is appended to that writer and the returned Buffer is a view of it.
 */
export function encodeRecordBatch(input: RecordBatchInput, options?: EncodeRecordBatchOptions): Buffer {
  const records = input.records;
  const n = records.length;
  const codecId = compressionIdOf(input.compression);

  const baseOffset = input.baseOffset ?? 0n;
  const producerId = input.producerId ?? -1n;
  checkInt64('baseOffset', baseOffset);
  checkInt64('producerId', producerId);
  const partitionLeaderEpoch = input.partitionLeaderEpoch ?? -1;
  const producerEpoch = input.producerEpoch ?? -1;
  const baseSequence = input.baseSequence ?? -1;
  checkInt('partitionLeaderEpoch', partitionLeaderEpoch, -0x8000_0000, INT32_MAX);
  checkInt('producerEpoch', producerEpoch, -0x8000, 0x7fff);
  checkInt('baseSequence', baseSequence, -0x8000_0000, INT32_MAX);
  const lastOffsetDelta = input.lastOffsetDelta ?? n - 1;
  checkInt('lastOffsetDelta', lastOffsetDelta, n === 0 ? -0x8000_0000 : n - 1, INT32_MAX);

  // Timestamps: numbers in the common case; bigint only for values beyond 2^53.
  let now = 0;
  if (n > 0 && (options?.now !== undefined || needsNow(records))) now = options?.now ?? Date.now();
  const firstTs = n === 0 ? -1 : (records[0]!.timestamp ?? now);
  const baseTs = input.baseTimestamp ?? firstTs;
  const base = timestampNumber('baseTimestamp', baseTs);

  ensureScratch(n, 0);
  // A NaN base (baseTimestamp beyond 2^53) makes every delta NaN: each is then computed in bigint.
  const recordsSize = sizeRecords(records, base, baseTs, now);
  let maxTs: bigint | number;
  if (input.maxTimestamp !== undefined) {
    maxTs = input.maxTimestamp;
    timestampNumber('maxTimestamp', maxTs);
  } else {
    maxTs = n === 0 ? -1 : maxTimestampOf(records, now);
  }

  let attributes = codecId;
  if (input.timestampType === 'LogAppendTime') attributes |= TIMESTAMP_TYPE_BIT;
  if (input.isTransactional) attributes |= TRANSACTIONAL_BIT;
  if (input.isControl) attributes |= CONTROL_BIT;
  if (input.hasDeleteHorizon) attributes |= DELETE_HORIZON_BIT;

  let payload: Buffer | undefined;
  let payloadSize = recordsSize;
  if (codecId !== 0) {
    recordsScratch.reset();
    recordsScratch.ensure(recordsSize);
    writeRecords(recordsScratch.buf, 0, records);
    recordsScratch.pos = recordsSize;
    payload = compressionCodec(codecId).compress(recordsScratch.view());
    payloadSize = payload.length;
  }
  if (payloadSize > INT32_MAX - HEADER_SIZE)
    invalid('records', `batch of ${payloadSize} bytes exceeds the int32 limit`);

  const w = options?.writer ?? new Writer(HEADER_SIZE + payloadSize);
  const start = w.pos;
  w.ensure(HEADER_SIZE + payloadSize);
  w.setInt64At(start, baseOffset);
  w.setInt32At(start + 8, HEADER_SIZE - LOG_OVERHEAD + payloadSize);
  w.setInt32At(start + 12, partitionLeaderEpoch);
  w.buf[start + 16] = MAGIC_V2;
  w.setInt16At(start + ATTRIBUTES_OFFSET, attributes);
  w.setInt32At(start + 23, lastOffsetDelta);
  setTimestampAt(w, start + 27, baseTs);
  setTimestampAt(w, start + 35, maxTs);
  w.setInt64At(start + 43, producerId);
  w.setInt16At(start + 51, producerEpoch);
  w.setInt32At(start + 53, baseSequence);
  w.setInt32At(start + 57, n);
  let end: number;
  if (payload === undefined) {
    end = writeRecords(w.buf, start + HEADER_SIZE, records);
  } else {
    w.buf.set(payload, start + HEADER_SIZE);
    end = start + HEADER_SIZE + payloadSize;
  }
  w.pos = end;
  w.setUint32At(
    start + CRC_OFFSET,
    crc32c(viewOf(w.buf, start + ATTRIBUTES_OFFSET, end - start - ATTRIBUTES_OFFSET)),
  );
  return viewOf(w.buf, start, end - start);
}

function needsNow(records: readonly RecordInput[]): boolean {
  for (let i = 0; i < records.length; i++) if (records[i]!.timestamp === undefined) return true;
  return false;
}

function maxTimestampOf(records: readonly RecordInput[], now: number): bigint | number {
  let max = Number.NEGATIVE_INFINITY;
  let maxBig: bigint | undefined;
  for (let i = 0; i < records.length; i++) {
    const ts = records[i]!.timestamp ?? now;
    if (typeof ts === 'number') {
      if (ts > max) max = ts;
    } else if (maxBig === undefined || ts > maxBig) {
      maxBig = ts;
    }
  }
  if (maxBig === undefined) return max;
  return max === Number.NEGATIVE_INFINITY || maxBig > BigInt(max) ? maxBig : max;
}

function setTimestampAt(w: Writer, at: number, ts: bigint | number): void {
  if (typeof ts === 'number') w.setInt64NumberAt(at, ts);
  else w.setInt64At(at, ts);
}

/** Encodes several batches back to back, as a Produce request's `records` field may carry them. */
export function encodeRecordBatches(
  inputs: readonly RecordBatchInput[],
  options?: EncodeRecordBatchOptions,
): Buffer {
  const w = options?.writer ?? new Writer(1024);
  const start = w.pos;
  const now = options?.now;
  for (const input of inputs)
    encodeRecordBatch(input, now === undefined ? { writer: w } : { writer: w, now });
  return viewOf(w.buf, start, w.pos - start);
}
