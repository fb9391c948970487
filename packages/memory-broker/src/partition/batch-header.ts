/**
 * The broker's look at a partition's `records` bytes: Kafka's framing rules (which batches a
 * MemoryRecords iterator sees, ProduceRequest.validateRecords), the header through the codec's
 * `batchHeaderOf`, the CRC through its `crc32c`, and the one rewrite a broker does to a batch
 * besides offsets: stamping LogAppendTime.
 */
import {
  batchHeaderOf,
  type CodecError,
  crc32c,
  KafkaErrorCode,
  Reader,
  type RecordBatchHeader,
  readRecordBatch,
} from '@idem/codec';

export type BatchHeaderView = RecordBatchHeader;

/** Kafka's LOG_OVERHEAD (baseOffset + batchLength) and its smallest legal batchLength (legacy v0 record overhead). */
const LOG_OVERHEAD = 12;
const MIN_BATCH_LENGTH = 14;
/** Enough bytes to read the magic byte, the last thing framing needs. */
const MAGIC_END = 17;

/** The first fields of a batch, which Kafka reads before it knows the format (ByteBufferLogInputStream). */
interface Frame {
  readonly size: number;
  readonly magic: number;
}

type FrameStep =
  | { readonly kind: 'none' }
  | { readonly kind: 'corrupt'; reason: string }
  | ({ readonly kind: 'batch' } & Frame);

/** One step of Kafka's batch iterator over `bytes` from `at`: no (complete) batch, a corrupt one, or a batch. */
function nextFrame(bytes: Buffer, at: number): FrameStep {
  const left = bytes.length - at;
  if (left < LOG_OVERHEAD) return { kind: 'none' };
  const r = new Reader(bytes, at);
  r.context = 'records';
  r.int64('baseOffset');
  const batchLength = r.int32('batchLength');
  if (batchLength < MIN_BATCH_LENGTH) {
    return {
      kind: 'corrupt',
      reason: `batch length ${batchLength} is less than the minimum record overhead`,
    };
  }
  if (left < MAGIC_END) return { kind: 'none' };
  r.int32('partitionLeaderEpoch');
  const magic = r.int8('magic');
  if (magic < 0 || magic > 2) return { kind: 'corrupt', reason: `invalid magic ${magic}` };
  const size = LOG_OVERHEAD + batchLength;
  if (left < size) return { kind: 'none' };
  return { kind: 'batch', size, magic };
}

export type FramedBatch =
  | { readonly kind: 'ok'; readonly batch: Buffer; readonly header: BatchHeaderView }
  | { readonly kind: 'error'; readonly errorCode: number; readonly reason: string };

/**
 * Kafka's ProduceRequest.validateRecords for one partition (v3+): at least one batch, the first of
 * magic 2, zstd only from Produce v7, exactly one batch. Trailing bytes too short to be a batch are
 * ignored, as Kafka's iterator ignores them.
 */
export function frameSingleBatch(records: Buffer | null, produceVersion: number): FramedBatch {
  const bytes = records ?? Buffer.alloc(0);
  const first = nextFrame(bytes, 0);
  if (first.kind === 'corrupt')
    return { kind: 'error', errorCode: KafkaErrorCode.CORRUPT_MESSAGE, reason: first.reason };
  if (first.kind === 'none') {
    return {
      kind: 'error',
      errorCode: KafkaErrorCode.INVALID_RECORD,
      reason: 'produce request has no record batch',
    };
  }
  if (first.magic !== 2) {
    return {
      kind: 'error',
      errorCode: KafkaErrorCode.INVALID_RECORD,
      reason: `record batch has magic ${first.magic}, not 2`,
    };
  }
  const batch = bytes.subarray(0, first.size);
  let header: BatchHeaderView;
  try {
    header = batchHeaderOf(batch);
  } catch (error) {
    return {
      kind: 'error',
      errorCode: KafkaErrorCode.CORRUPT_MESSAGE,
      reason: (error as CodecError).message,
    };
  }
  if (header.compression === 'zstd' && produceVersion < 7) {
    return {
      kind: 'error',
      errorCode: KafkaErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
      reason: `zstd needs Produce v7 or later, got v${produceVersion}`,
    };
  }
  const second = nextFrame(bytes, first.size);
  if (second.kind === 'corrupt')
    return { kind: 'error', errorCode: KafkaErrorCode.CORRUPT_MESSAGE, reason: second.reason };
  if (second.kind === 'batch') {
    return {
      kind: 'error',
      errorCode: KafkaErrorCode.INVALID_RECORD,
      reason: 'more than one record batch per partition',
    };
  }
  return { kind: 'ok', batch, header };
}

/** Whether the stored CRC-32C matches the bytes it covers (everything after the crc field). */
export function batchCrcMatches(batch: Buffer, header: BatchHeaderView): boolean {
  return crc32c(batch.subarray(CRC_END)) === header.crc;
}

/**
 * What Kafka's DefaultRecordBatch.setMaxTimestamp(LOG_APPEND_TIME, now) does to a stored batch: set
 * the timestamp-type bit, write the max timestamp, re-sign. Offsets of the three fields are the v2
 * header layout (docs/broker-rules.md §"The RecordBatch v2 header"); the codec has no setter for them.
 */
export function stampLogAppendTime(batch: Buffer, now: number): void {
  const attributes = batch.readInt16BE(ATTRIBUTES_AT);
  batch.writeInt16BE(attributes | TIMESTAMP_TYPE_BIT, ATTRIBUTES_AT);
  batch.writeBigInt64BE(BigInt(now), MAX_TIMESTAMP_AT);
  batch.writeUInt32BE(crc32c(batch.subarray(CRC_END)), CRC_AT);
}

/** Every record's timestamp as Kafka reads it (decodes, and decompresses, the records); null if they are corrupt. */
export function recordTimestampsOf(batch: Buffer): number[] | null {
  try {
    const timestamps: number[] = [];
    for (const record of readRecordBatch(batch, { verifyCrc: false }).records())
      timestamps.push(Number(record.timestamp));
    return timestamps;
  } catch {
    return null;
  }
}

const CRC_AT = 17;
const CRC_END = 21;
const ATTRIBUTES_AT = 21;
const MAX_TIMESTAMP_AT = 35;
const TIMESTAMP_TYPE_BIT = 0x08;
