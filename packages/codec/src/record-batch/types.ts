import type { CompressionId, CompressionName } from '../compression/types.js';
import type { Writer } from '../primitives/writer.js';

/**
 * Which clock a batch's timestamps come from (attributes bit 3): the producer's (`CreateTime`) or the
 * broker's at append (`LogAppendTime`, set by the topic's `message.timestamp.type`).
 */
export type TimestampType = 'CreateTime' | 'LogAppendTime';

/** A record header to encode. Kafka forbids null header keys; values may be null. */
export interface RecordHeaderInput {
  key: string;
  value: Uint8Array | null;
}

/** One record to encode. */
export interface RecordInput {
  key?: Uint8Array | null;
  /** null is a tombstone. */
  value: Uint8Array | null;
  headers?: readonly RecordHeaderInput[];
  /** Milliseconds since the epoch; defaults to the encode call's `now`. */
  timestamp?: bigint | number;
}

/** A batch to encode. Header fields default to what Kafka's producer writes for a plain batch. */
export interface RecordBatchInput {
  records: readonly RecordInput[];
  /** Default 'none'. */
  compression?: CompressionName | CompressionId;
  /** Default 0 (the broker assigns offsets). */
  baseOffset?: bigint;
  /** Default -1 (the broker overwrites it). */
  partitionLeaderEpoch?: number;
  /** Default -1 (not idempotent). */
  producerId?: bigint;
  /** Default -1. */
  producerEpoch?: number;
  /** Default -1. */
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  /** Default 'CreateTime'; producers must send CreateTime. */
  timestampType?: TimestampType;
  hasDeleteHorizon?: boolean;
  /** Default: the first record's timestamp (-1 for an empty batch). Record deltas are relative to it. */
  baseTimestamp?: bigint | number;
  /** Default: the largest record timestamp (-1 for an empty batch). */
  maxTimestamp?: bigint | number;
  /** Default: records.length - 1. Only compacted batches have gaps. */
  lastOffsetDelta?: number;
}

/** Options for encodeRecordBatch and encodeRecordBatches. */
export interface EncodeRecordBatchOptions {
  /**
   * Append the batch to this writer at its current position (e.g. straight into a Produce request)
   * instead of a new buffer. The returned Buffer is then a view valid until the writer is reset or
   * written again.
   */
  writer?: Writer;
  /** Timestamp for records without one; default Date.now() (read once per batch). */
  now?: number;
}

/** Every field of the 61-byte batch header, decoded. */
export interface RecordBatchHeader {
  baseOffset: bigint;
  /** Bytes after the batchLength field: total size - 12. */
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  /** The stored CRC-32C (unsigned). */
  crc: number;
  /** Raw attributes int16. */
  attributes: number;
  compression: CompressionName;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
  hasDeleteHorizon: boolean;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** A decoded record header; the key is decoded as UTF-8. */
export interface DecodedRecordHeader {
  key: string;
  /** A view into the input (or the decompressed records), not a copy. */
  value: Buffer | null;
}

/** One decoded record. `key` and `value` are views, like header values; null means absent. */
export interface DecodedRecord {
  /** The record's own attributes byte (unused by Kafka, always 0 when Kafka writes it). */
  attributes: number;
  /** Stored delta from the batch's baseTimestamp. */
  timestampDelta: number;
  /**
   * The record's timestamp as Kafka reports it: baseTimestamp + timestampDelta for CreateTime
   * batches, the batch maxTimestamp for LogAppendTime batches.
   */
  timestamp: bigint;
  /** Offset relative to the batch baseOffset. */
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: DecodedRecordHeader[];
}

/** What a control record (transaction marker) says. */
export interface ControlRecordInfo {
  /** 'ABORT' (0) and 'COMMIT' (1) are transaction markers; other ids are KRaft-internal. */
  type: 'ABORT' | 'COMMIT' | 'UNKNOWN';
  typeId: number;
  /** Version of the control record key. */
  version: number;
  /** From the EndTransactionMarker value; only for ABORT and COMMIT. */
  coordinatorEpoch?: number;
}

export interface RecordBatch extends RecordBatchHeader {
  records: DecodedRecord[];
  /** For control batches: what the first control record says. */
  control?: ControlRecordInfo;
}

/** Options for decodeRecordBatch, readRecordBatch and readRecordBatches. */
export interface DecodeRecordBatchOptions {
  /** Default true. Set false only for bytes whose CRC was already checked. */
  verifyCrc?: boolean;
  /** Cap for the decompressed records; default getDefaultMaxDecompressedBytes() (64 MiB). */
  maxDecompressedBytes?: number;
}

/** A batch whose header is decoded (and CRC checked) but whose records are read on demand. */
export interface LazyRecordBatch extends RecordBatchHeader {
  /** The batch bytes (a view). */
  readonly bytes: Buffer;
  /** Iterates the records, decompressing on the first call; nothing is materialised up front. */
  records(): IterableIterator<DecodedRecord>;
}

/** The batches found in a Fetch/Produce `records` field. */
export interface RecordBatchSequence extends Iterable<LazyRecordBatch> {
  readonly batches: readonly LazyRecordBatch[];
  /**
   * True when the bytes end with an incomplete batch. Brokers cut Fetch responses at the size limit,
   * so this is normal there; the partial batch is not returned.
   */
  readonly partialTrailingBatch: boolean;
  /** Bytes occupied by the complete batches; the rest is the partial batch. */
  readonly completeBytes: number;
}

/**
 * The header fields restampRecordBatch writes. The producer fields are required (they are what a
 * re-send changes); baseOffset and partitionLeaderEpoch are left as stored when undefined.
 */
export interface RestampFields {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
}

/** Options for restampRecordBatch. */
export interface RestampOptions {
  /** Write into a copy and leave the input untouched (default false: rewrite in place). */
  copy?: boolean;
  /** Check the existing CRC first so a corrupt batch is not silently re-signed (default true). */
  verifyCrc?: boolean;
}
