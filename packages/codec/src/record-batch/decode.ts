import { crc32c } from '../crc32c/index.js';
import { viewOf } from '../primitives/buffer-view.js';
import { getDefaultMaxDecompressedBytes } from '../compression/limits.js';
import { compressionCodec } from '../compression/registry.js';
import { CrcMismatchError, InvalidLengthError, TruncatedInputError } from '../errors/codec-error.js';
import { controlRecordInfo } from './control.js';
import { asBuffer, CONTEXT, checkBatchFrame, parseHeader } from './header.js';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  CRC_OFFSET,
  HEADER_SIZE,
  LOG_OVERHEAD,
  MIN_RECORD_SIZE,
} from './layout.js';
import { RecordReader } from './record-reader.js';
import type {
  DecodedRecord,
  DecodeRecordBatchOptions,
  LazyRecordBatch,
  RecordBatch,
  RecordBatchHeader,
  RecordBatchSequence,
} from './types.js';

function verifyCrc(b: Buffer, start: number, end: number): void {
  const stored = b.readUInt32BE(start + CRC_OFFSET);
  const actual = crc32c(viewOf(b, start + ATTRIBUTES_OFFSET, end - start - ATTRIBUTES_OFFSET));
  if (actual !== stored) {
    const hex = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;
    throw new CrcMismatchError(
      `${CONTEXT}: crc: stored ${hex(stored)} but the bytes give ${hex(actual)} at offset ${start + CRC_OFFSET}`,
      'crc',
      start + CRC_OFFSET,
      stored,
      actual,
    );
  }
}

/** A reader over the batch's records, decompressing them first when the batch is compressed. */
function recordReader(
  b: Buffer,
  start: number,
  end: number,
  header: RecordBatchHeader,
  options: DecodeRecordBatchOptions | undefined,
): RecordReader {
  if (header.compression === 'none') return new RecordReader(b, start + HEADER_SIZE, end, header, 'offset');
  const cap = options?.maxDecompressedBytes ?? getDefaultMaxDecompressedBytes();
  const raw = compressionCodec(header.compression).decompress(b.subarray(start + HEADER_SIZE, end), cap);
  if (header.recordCount > raw.length / MIN_RECORD_SIZE) {
    throw new InvalidLengthError(
      `${CONTEXT}: recordCount: ${header.recordCount} records cannot fit in the ${raw.length} decompressed bytes`,
      'recordCount',
      start + HEADER_SIZE - 4,
    );
  }
  return new RecordReader(raw, 0, raw.length, header, `${header.compression}-decompressed offset`);
}

function readAll(reader: RecordReader): DecodedRecord[] {
  const records: DecodedRecord[] = [];
  while (!reader.done) records.push(reader.next());
  reader.finish();
  return records;
}

/** Decodes the single batch in `bytes` (exactly one batch) with all its records. */
export function decodeRecordBatch(bytes: Uint8Array, options?: DecodeRecordBatchOptions): RecordBatch {
  const b = asBuffer(bytes);
  const end = checkBatchFrame(b, 0, true);
  // CRC before the header's own checks: corruption is reported as such, not as an odd field value.
  if (options?.verifyCrc !== false) verifyCrc(b, 0, end);
  const header = parseHeader(b, 0, end);
  const records = readAll(recordReader(b, 0, end, header, options));
  const batch = header as RecordBatch;
  batch.records = records;
  if (header.isControl && records.length > 0) batch.control = controlRecordInfo(records[0]!);
  return batch;
}

function lazyBatch(
  b: Buffer,
  start: number,
  end: number,
  options: DecodeRecordBatchOptions | undefined,
): LazyRecordBatch {
  if (options?.verifyCrc !== false) verifyCrc(b, start, end);
  const header = parseHeader(b, start, end);
  const lazy = header as RecordBatchHeader & {
    bytes: Buffer;
    records: () => IterableIterator<DecodedRecord>;
  };
  lazy.bytes = b.subarray(start, end);
  lazy.records = () => iterate(b, start, end, header, options);
  return lazy;
}

function* iterate(
  b: Buffer,
  start: number,
  end: number,
  header: RecordBatchHeader,
  options: DecodeRecordBatchOptions | undefined,
): IterableIterator<DecodedRecord> {
  const reader = recordReader(b, start, end, header, options);
  while (!reader.done) yield reader.next();
  reader.finish();
}

/**
 * Decodes the header of the single batch in `bytes` and checks its CRC; `records()` then reads the
 * records one at a time without building an array.
 */
export function readRecordBatch(bytes: Uint8Array, options?: DecodeRecordBatchOptions): LazyRecordBatch {
  const b = asBuffer(bytes);
  const end = checkBatchFrame(b, 0, true);
  return lazyBatch(b, 0, end, options);
}

/**
 * Splits a `records` field holding several batches back to back. An incomplete last batch (Fetch
 * responses are cut at the size limit) is reported in `partialTrailingBatch`, not thrown; anything
 * malformed in a complete batch still throws.
 */
export function readRecordBatches(
  bytes: Uint8Array,
  options?: DecodeRecordBatchOptions,
): RecordBatchSequence {
  const b = asBuffer(bytes);
  const batches: LazyRecordBatch[] = [];
  let at = 0;
  let partial = false;
  while (at < b.length) {
    const left = b.length - at;
    if (left < HEADER_SIZE || b.readInt32BE(at + BATCH_LENGTH_OFFSET) > left - LOG_OVERHEAD) {
      // Too short to hold its header or its declared length: a batch cut off by the fetch size limit.
      // checkBatchFrame still rejects a wrong magic or a nonsensical length when enough is present.
      try {
        checkBatchFrame(b, at, false);
      } catch (e) {
        if (
          !(
            e instanceof TruncatedInputError ||
            (e instanceof InvalidLengthError && e.field === 'batchLength')
          )
        )
          throw e;
        if (left >= HEADER_SIZE && b.readInt32BE(at + BATCH_LENGTH_OFFSET) < HEADER_SIZE - LOG_OVERHEAD)
          throw e;
      }
      partial = true;
      break;
    }
    const end = checkBatchFrame(b, at, false);
    batches.push(lazyBatch(b, at, end, options));
    at = end;
  }
  const completeBytes = at;
  return {
    batches,
    partialTrailingBatch: partial,
    completeBytes,
    [Symbol.iterator]: () => batches[Symbol.iterator](),
  };
}
