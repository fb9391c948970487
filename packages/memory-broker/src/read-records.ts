/**
 * Reading a partition back as records: the stored RecordBatch v2 bytes decoded by the codec, each record with the
 * offset the broker gave it and the producer identity of its batch. The one reader of stored records for tests,
 * examples and harnesses.
 */
import { decodeRecordBatch, incrementSequence } from '@idem/codec';
import type { LogView, MemoryCluster } from './cluster/memory-cluster.js';
import type { MemoryBrokerServer } from './server/broker-server.js';

/** One record a partition holds, as {@link readRecords} decodes it. */
export interface StoredRecordView {
  /** The offset the broker assigned: the batch's base offset plus the record's offset delta. */
  readonly offset: bigint;
  /** The key decoded as UTF-8; null for a record without key. */
  readonly key: string | null;
  /** The value decoded as UTF-8; null for a tombstone. */
  readonly value: string | null;
  /** The producer id stamped on the record's batch; -1 for a batch written without idempotence. */
  readonly producerId: bigint;
  /** The producer epoch of the record's batch; -1 without idempotence. */
  readonly producerEpoch: number;
  /**
   * The record's own sequence number: the batch's base sequence plus the record's offset delta, wrapping past
   * 2^31 - 1 to 0 as Kafka does; -1 for a batch without sequence.
   */
  readonly sequence: number;
}

/** A {@link MemoryCluster}, or a {@link MemoryBrokerServer} (whose cluster is read). */
export type RecordSource = MemoryCluster | MemoryBrokerServer;

/**
 * Every record of a partition of the topic's live generation, in offset order, from the log start. Throws a
 * RangeError for an unknown topic or partition, and an Error when the cluster was created with `storeRecords: false`
 * (it keeps offsets only).
 *
 * @example
 * ```ts
 * const cluster = new MemoryCluster({ topics: { orders: { partitions: 1 } } });
 * // ... a producer writes to orders/0 ...
 * readRecords(cluster, 'orders').map((r) => `${r.offset}:${r.value}`); // ['0:a', '1:b']
 * ```
 */
export function readRecords(source: RecordSource, topic: string, partition = 0): StoredRecordView[] {
  return recordsOf(clusterOf(source).readLog(topic, partition));
}

/**
 * As {@link readRecords}, for one generation of a topic name (a deleted topic included), by the topic id that
 * `MemoryCluster.topicGenerations` reports. Throws a RangeError for an unknown topic id or partition.
 */
export function readGenerationRecords(
  source: RecordSource,
  topicId: string,
  partition = 0,
): StoredRecordView[] {
  return recordsOf(clusterOf(source).readGenerationLog(topicId, partition));
}

function clusterOf(source: RecordSource): MemoryCluster {
  return 'readLog' in source ? source : source.cluster;
}

function recordsOf(log: LogView): StoredRecordView[] {
  const out: StoredRecordView[] = [];
  for (const stored of log.batches) {
    if (stored.bytes === null) throw new Error('the memory cluster was created with storeRecords: false');
    const batch = decodeRecordBatch(stored.bytes);
    for (const record of batch.records) {
      out.push({
        offset: batch.baseOffset + BigInt(record.offsetDelta),
        key: record.key?.toString('utf8') ?? null,
        value: record.value?.toString('utf8') ?? null,
        producerId: batch.producerId,
        producerEpoch: batch.producerEpoch,
        sequence: batch.baseSequence < 0 ? -1 : incrementSequence(batch.baseSequence, record.offsetDelta),
      });
    }
  }
  return out;
}
