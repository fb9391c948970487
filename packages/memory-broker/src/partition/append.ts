/**
 * Appending one client batch to a partition: Kafka's UnifiedLog.append for a leader, in its order
 * (docs/broker-rules.md §"Order of checks on Produce", steps 6-8) — baseOffset 0, size, CRC, header sanity, timestamps, segment size, then the
 * producer state (duplicate first), then the append itself. Every refusal before the producer state is answered
 * even for a batch already in the log: a retry of a written batch can get MESSAGE_TOO_LARGE, never its duplicate
 * acknowledgement, once max.message.bytes was lowered. Only the batch header is parsed on this path;
 * records are decoded only when a timestamp bound needs checking record by record.
 */
import { KafkaErrorCode, lastSequence } from '@idem/codec';
import type { TopicConfig } from '../config.js';
import { type BatchHeaderView, batchCrcMatches, stampLogAppendTime } from './batch-header.js';
import type { Partition } from './partition.js';
import { appendError, type PartitionResult, success } from './partition-result.js';
import { decideProducerBatch } from './producer-rules.js';
import type { BrokerProfile } from './profile.js';
import { checkTimestamps } from './timestamps.js';

/** Fixed size of a v2 batch header; smaller "batches" are corrupt. */
const BATCH_OVERHEAD = 61;

export interface AppendEnvironment {
  readonly now: number;
  readonly profile: BrokerProfile;
  readonly config: TopicConfig;
}

export function appendBatch(
  partition: Partition,
  bytes: Buffer,
  header: BatchHeaderView,
  env: AppendEnvironment,
): PartitionResult {
  const { log } = partition;
  const lso = log.logStartOffset;

  if (header.baseOffset !== 0n) {
    return appendError(
      KafkaErrorCode.INVALID_RECORD,
      lso,
      `batch baseOffset is ${header.baseOffset}, a client must send 0`,
    );
  }
  if (bytes.length > env.config.maxMessageBytes) {
    return appendError(
      KafkaErrorCode.MESSAGE_TOO_LARGE,
      lso,
      `batch of ${bytes.length} bytes exceeds max.message.bytes ${env.config.maxMessageBytes}`,
    );
  }
  if (bytes.length < BATCH_OVERHEAD) {
    return appendError(
      KafkaErrorCode.CORRUPT_MESSAGE,
      lso,
      `batch of ${bytes.length} bytes is smaller than a header`,
    );
  }
  if (!batchCrcMatches(bytes, header)) {
    return appendError(KafkaErrorCode.CORRUPT_MESSAGE, lso, 'batch CRC-32C does not match its contents');
  }
  const count = header.recordCount;
  if (count <= 0 || header.lastOffsetDelta + 1 !== count) {
    return appendError(
      KafkaErrorCode.INVALID_RECORD,
      lso,
      `record count ${count} does not match lastOffsetDelta ${header.lastOffsetDelta}`,
    );
  }
  if (header.isControl) {
    return appendError(KafkaErrorCode.INVALID_RECORD, lso, 'clients may not send control batches');
  }
  const idempotent = header.producerId > -1n;
  if (idempotent && header.baseSequence < 0) {
    return appendError(
      KafkaErrorCode.INVALID_RECORD,
      lso,
      `producer id ${header.producerId} with invalid base sequence ${header.baseSequence}`,
    );
  }
  const timestampError = checkTimestamps(bytes, header, env.config, env.now, lso);
  if (timestampError !== null) return timestampError;
  if (bytes.length > env.config.segmentBytes) {
    return appendError(
      KafkaErrorCode.RECORD_LIST_TOO_LARGE,
      lso,
      `batch of ${bytes.length} bytes exceeds segment.bytes ${env.config.segmentBytes}`,
    );
  }

  const logAppendTime = env.config.messageTimestampType === 'LogAppendTime';
  const firstSeq = header.baseSequence;
  const lastSeq = lastSequence(firstSeq, count);
  if (idempotent) {
    const decision = decideProducerBatch(
      partition.producers.get(header.producerId),
      { producerId: header.producerId, epoch: header.producerEpoch, firstSeq, lastSeq },
      { profile: env.profile, logEverWritten: log.everWritten, partitionName: partition.name },
    );
    if (decision.kind === 'duplicate') {
      // Kafka answers a duplicate with the original offsets and the stored batch timestamp as
      // LogAppendTime, even on CreateTime topics (UnifiedLog.append).
      const dup = decision.batch;
      return success(dup.firstOffset, dup.timestamp, lso, null, true);
    }
    if (decision.kind === 'reject') return appendError(decision.errorCode, lso, decision.message);
  }

  const now = env.now;
  const maxTimestamp = logAppendTime ? now : Number(header.maxTimestamp);
  const prepare = logAppendTime ? (stored: Buffer) => stampLogAppendTime(stored, now) : undefined;
  const baseOffset = log.append(bytes, count, partition.leaderEpoch, prepare);
  const lastOffset = baseOffset + count - 1;
  if (idempotent) {
    partition.producers.record(header.producerId, header.producerEpoch, {
      firstSeq,
      lastSeq,
      firstOffset: baseOffset,
      lastOffset,
      timestamp: maxTimestamp,
    });
  }
  return success(baseOffset, logAppendTime ? env.now : -1, lso, { baseOffset, lastOffset }, false);
}
