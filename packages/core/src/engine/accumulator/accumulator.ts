import type { PendingRecord } from '../send/pending-record.js';
import type { PartitionEntry } from './partition-state.js';
import { ProducerBatch } from './partition-state.js';

/** Bytes of a RecordBatch v2 header; counted so a batch of `batchSize` encodes to about `batchSize`. */
export const BATCH_OVERHEAD = 61;

/**
 * Groups records into per-partition batches (docs/design.md §"Invariants"'s "queue of unsent batches"). A batch takes records
 * until the next one would push it past `batchSize`; a record bigger than that gets a batch of its own. Records
 * keep their send() order within a partition because they are only ever appended to the newest batch.
 */
export class Accumulator {
  constructor(
    private readonly batchSize: number,
    private readonly lingerMs: number,
  ) {}

  append(entry: PartitionEntry, record: PendingRecord, now: number): ProducerBatch {
    let batch = entry.queue[entry.queue.length - 1];
    if (batch === undefined || batch.closed || batch.sizeBytes + record.sizeBytes > this.batchSize) {
      if (batch !== undefined) batch.closed = true;
      batch = new ProducerBatch(entry, now);
      batch.sizeBytes = BATCH_OVERHEAD;
      entry.queue.push(batch);
    }
    batch.records.push(record);
    batch.sizeBytes += record.sizeBytes;
    entry.queuedRecords++;
    if (batch.sizeBytes >= this.batchSize) batch.closed = true;
    return batch;
  }

  /** When the head batch of `entry` may be sent: now if full or flushing, else when its linger ends. */
  readyAt(batch: ProducerBatch, flushing: boolean): number {
    if (batch.closed || flushing) return Number.NEGATIVE_INFINITY;
    return batch.createdAt + this.lingerMs;
  }

  /** Removes the head batch for draining; it takes no more records. */
  take(entry: PartitionEntry): ProducerBatch | undefined {
    const batch = entry.queue.shift();
    if (batch === undefined) return undefined;
    batch.closed = true;
    entry.queuedRecords -= batch.records.length;
    return batch;
  }
}
