import { COMPRESSION_NAMES } from '../compression/registry.js';
import { InvalidLengthError, InvalidValueError, TruncatedInputError } from '../errors/codec-error.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_MASK,
  CONTROL_BIT,
  CRC_OFFSET,
  DELETE_HORIZON_BIT,
  HEADER_SIZE,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAGIC_V2,
  MAX_TIMESTAMP_OFFSET,
  MIN_RECORD_SIZE,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_COUNT_OFFSET,
  TIMESTAMP_TYPE_BIT,
  TRANSACTIONAL_BIT,
} from './layout.js';
import type { RecordBatchHeader } from './types.js';

export const CONTEXT = 'RecordBatch';

/** int64 at `at` as bigint, through one number→bigint conversion when the value is a safe integer. */
export function readInt64(b: Buffer, at: number): bigint {
  const hi = (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
  if (hi >= -0x20_0000 && hi < 0x20_0000) {
    const lo = ((b[at + 4]! << 24) | (b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!) >>> 0;
    return BigInt(hi * 0x1_0000_0000 + lo);
  }
  return b.readBigInt64BE(at);
}

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function where(start: number, at: number): string {
  return start === 0 ? `offset ${at}` : `offset ${at} (batch at ${start})`;
}

/**
 * Checks that a complete magic-2 batch starts at `start` and returns its end. `exact` demands that the
 * batch ends where the input ends (a lone batch); otherwise trailing bytes are left to the caller.
 */
export function checkBatchFrame(b: Buffer, start: number, exact: boolean): number {
  const left = b.length - start;
  if (left < MAGIC_OFFSET + 1) {
    throw new TruncatedInputError(
      `${CONTEXT}: header: needs ${HEADER_SIZE} bytes but only ${left} are left at ${where(start, start)}`,
      'header',
      start,
    );
  }
  // magic sits at offset 16 in every message format, so check it before trusting anything else.
  const magic = b[start + MAGIC_OFFSET]!;
  if (magic !== MAGIC_V2) {
    throw new InvalidValueError(
      `${CONTEXT}: magic: ${(magic << 24) >> 24} is not 2 (only RecordBatch v2 is supported) at ${where(start, start + MAGIC_OFFSET)}`,
      'magic',
      start + MAGIC_OFFSET,
    );
  }
  if (left < HEADER_SIZE) {
    throw new TruncatedInputError(
      `${CONTEXT}: header: needs ${HEADER_SIZE} bytes but only ${left} are left at ${where(start, start)}`,
      'header',
      start,
    );
  }
  const batchLength = b.readInt32BE(start + BATCH_LENGTH_OFFSET);
  const at = start + BATCH_LENGTH_OFFSET;
  if (batchLength < HEADER_SIZE - LOG_OVERHEAD) {
    throw new InvalidLengthError(
      `${CONTEXT}: batchLength: ${batchLength} is smaller than the ${HEADER_SIZE - LOG_OVERHEAD}-byte header at ${where(start, at)}`,
      'batchLength',
      at,
    );
  }
  if (batchLength > left - LOG_OVERHEAD) {
    throw new InvalidLengthError(
      `${CONTEXT}: batchLength: length ${batchLength} exceeds the ${left - LOG_OVERHEAD} bytes left at ${where(start, at)}`,
      'batchLength',
      at,
    );
  }
  const end = start + LOG_OVERHEAD + batchLength;
  if (exact && end !== b.length) {
    throw new InvalidLengthError(
      `${CONTEXT}: batchLength: ${batchLength} leaves ${b.length - end} unexplained bytes after the batch at ${where(start, at)}`,
      'batchLength',
      at,
    );
  }
  return end;
}

/** Decodes and validates the 61-byte header of the batch at `start` (its frame already checked). */
export function parseHeader(b: Buffer, start: number, end: number): RecordBatchHeader {
  const attributes = b.readInt16BE(start + ATTRIBUTES_OFFSET);
  const codecId = attributes & COMPRESSION_MASK;
  const compression = COMPRESSION_NAMES[codecId];
  if (compression === undefined) {
    throw new InvalidValueError(
      `${CONTEXT}: attributes: compression codec ${codecId} is not defined (0-4) at ${where(start, start + ATTRIBUTES_OFFSET)}`,
      'attributes',
      start + ATTRIBUTES_OFFSET,
    );
  }
  const lastOffsetDelta = b.readInt32BE(start + LAST_OFFSET_DELTA_OFFSET);
  const recordCount = b.readInt32BE(start + RECORD_COUNT_OFFSET);
  if (recordCount < 0) {
    throw new InvalidValueError(
      `${CONTEXT}: recordCount: negative count ${recordCount} at ${where(start, start + RECORD_COUNT_OFFSET)}`,
      'recordCount',
      start + RECORD_COUNT_OFFSET,
    );
  }
  if (recordCount > 0 && lastOffsetDelta < recordCount - 1) {
    throw new InvalidValueError(
      `${CONTEXT}: lastOffsetDelta: ${lastOffsetDelta} cannot hold ${recordCount} records at ${where(start, start + LAST_OFFSET_DELTA_OFFSET)}`,
      'lastOffsetDelta',
      start + LAST_OFFSET_DELTA_OFFSET,
    );
  }
  if (codecId === 0 && recordCount > (end - start - HEADER_SIZE) / MIN_RECORD_SIZE) {
    throw new InvalidLengthError(
      `${CONTEXT}: recordCount: ${recordCount} records cannot fit in the ${end - start - HEADER_SIZE} bytes left at ${where(start, start + RECORD_COUNT_OFFSET)}`,
      'recordCount',
      start + RECORD_COUNT_OFFSET,
    );
  }
  return {
    baseOffset: readInt64(b, start + BASE_OFFSET_OFFSET),
    batchLength: end - start - LOG_OVERHEAD,
    partitionLeaderEpoch: b.readInt32BE(start + PARTITION_LEADER_EPOCH_OFFSET),
    magic: b[start + MAGIC_OFFSET]!,
    crc: b.readUInt32BE(start + CRC_OFFSET),
    attributes: attributes & 0xffff,
    compression,
    timestampType: attributes & TIMESTAMP_TYPE_BIT ? 'LogAppendTime' : 'CreateTime',
    isTransactional: (attributes & TRANSACTIONAL_BIT) !== 0,
    isControl: (attributes & CONTROL_BIT) !== 0,
    hasDeleteHorizon: (attributes & DELETE_HORIZON_BIT) !== 0,
    lastOffsetDelta,
    baseTimestamp: readInt64(b, start + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: readInt64(b, start + MAX_TIMESTAMP_OFFSET),
    producerId: readInt64(b, start + PRODUCER_ID_OFFSET),
    producerEpoch: b.readInt16BE(start + PRODUCER_EPOCH_OFFSET),
    baseSequence: b.readInt32BE(start + BASE_SEQUENCE_OFFSET),
    recordCount,
  };
}

/**
 * The header of the single batch in `bytes`, without checking the CRC or reading any record: the
 * cheap look a broker takes before deciding what to do with a batch. Trailing bytes after the batch
 * are allowed here (the caller may pass a larger buffer); the header must be complete.
 */
export function batchHeaderOf(bytes: Uint8Array): RecordBatchHeader {
  const b = asBuffer(bytes);
  const end = checkBatchFrame(b, 0, false);
  return parseHeader(b, 0, end);
}
