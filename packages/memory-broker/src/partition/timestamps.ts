/**
 * Record timestamp validation (Kafka's LogValidator.validateTimestamp): on CreateTime topics every
 * record's timestamp must lie within [now - before.max.ms, now + after.max.ms]; a producer must
 * never set the LogAppendTime bit itself. The header's max timestamp settles the common case; only a
 * suspicious batch (or a finite before-bound) has its records decoded to find the offending ones.
 */
import { KafkaErrorCode } from '@idem/codec';
import type { TopicConfig } from '../config.js';
import { type BatchHeaderView, recordTimestampsOf } from './batch-header.js';
import { appendError, type PartitionResult, type RecordErrorEntry } from './partition-result.js';

const NO_TIMESTAMP = -1;
const SUMMARY = 'One or more records have been rejected due to invalid timestamp';
/** Java's Long.MAX_VALUE, which stands for "no bound" in Kafka's messages. */
const LONG_MAX = 9_223_372_036_854_775_807n;

export function checkTimestamps(
  bytes: Buffer,
  header: BatchHeaderView,
  config: TopicConfig,
  now: number,
  logStartOffset: number,
): PartitionResult | null {
  const createTime = config.messageTimestampType === 'CreateTime';
  const before = config.messageTimestampBeforeMaxMs;
  const after = config.messageTimestampAfterMaxMs;

  if (header.timestampType === 'LogAppendTime') {
    // Every record reads the batch max timestamp; CreateTime topics range-check it, the rest reject the bit.
    const ts = Number(header.maxTimestamp);
    if (createTime && ts !== NO_TIMESTAMP) {
      if (!outOfRange(ts, now, before, after)) return null;
      return reject(header, logStartOffset, (i) => rangeMessage(ts, i, now, before, after));
    }
    return reject(
      header,
      logStartOffset,
      (i) =>
        `Invalid timestamp type in message ${i}. Producer should not set timestamp type to LogAppendTime.`,
    );
  }
  if (!createTime) return null;
  if (before === Number.POSITIVE_INFINITY && Number(header.maxTimestamp) - now <= after) return null;

  const timestamps = recordTimestampsOf(bytes);
  if (timestamps === null) {
    return appendError(KafkaErrorCode.CORRUPT_MESSAGE, logStartOffset, 'records could not be decoded');
  }
  const errors: RecordErrorEntry[] = [];
  timestamps.forEach((ts, index) => {
    if (ts !== NO_TIMESTAMP && outOfRange(ts, now, before, after)) {
      errors.push({ batchIndex: index, batchIndexErrorMessage: rangeMessage(ts, index, now, before, after) });
    }
  });
  if (errors.length === 0) return null;
  return appendError(KafkaErrorCode.INVALID_TIMESTAMP, logStartOffset, SUMMARY, {
    recordErrors: errors,
    errorMessage: SUMMARY,
  });
}

function outOfRange(ts: number, now: number, before: number, after: number): boolean {
  const diff = now - ts;
  return diff > before || -diff > after;
}

function reject(
  header: BatchHeaderView,
  logStartOffset: number,
  message: (index: number) => string,
): PartitionResult {
  const errors: RecordErrorEntry[] = [];
  for (let i = 0; i < header.recordCount; i++)
    errors.push({ batchIndex: i, batchIndexErrorMessage: message(i) });
  return appendError(KafkaErrorCode.INVALID_TIMESTAMP, logStartOffset, SUMMARY, {
    recordErrors: errors,
    errorMessage: SUMMARY,
  });
}

/** Kafka's wording, bounds computed in Java long arithmetic (an unbounded side prints via Long.MAX_VALUE). */
function rangeMessage(ts: number, offset: number, now: number, before: number, after: number): string {
  const n = BigInt(now);
  const low = n - (before === Number.POSITIVE_INFINITY ? LONG_MAX : BigInt(before));
  const high = wrapLong(n + (after === Number.POSITIVE_INFINITY ? LONG_MAX : BigInt(after)));
  return `Timestamp ${ts} of message with offset ${offset} is out of range. The timestamp should be within [${low}, ${high}]`;
}

function wrapLong(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}
