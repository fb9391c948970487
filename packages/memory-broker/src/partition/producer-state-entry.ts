/**
 * One producer's state on one partition, as Kafka's ProducerStateEntry keeps it: the epoch, the
 * metadata of the last few batches of that epoch (for duplicate detection) and the timestamp that
 * drives expiry.
 */

/** Kafka's NUM_BATCHES_TO_RETAIN: how many batches per producer the duplicate check can see. */
export const BATCHES_RETAINED = 5;

/** What the broker remembers of an appended batch (Kafka's BatchMetadata, with firstSeq kept instead of derived). */
export interface BatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  /** The batch's max timestamp as stored (the append time on LogAppendTime topics). */
  readonly timestamp: number;
}

export class ProducerStateEntry {
  /** Oldest first; at most BATCHES_RETAINED, all of the current epoch. */
  batches: BatchMetadata[] = [];
  /** Max timestamp of the last appended batch: record time, not wall-clock time. */
  lastTimestamp = -1;
  /** Transactions only; always -1 here, reported by DescribeProducers as Kafka does for idempotent producers. */
  readonly coordinatorEpoch = -1;

  constructor(
    readonly producerId: bigint,
    public epoch: number,
  ) {}

  /** The retained batch with exactly this sequence range under this epoch, if any. */
  findDuplicate(epoch: number, firstSeq: number, lastSeq: number): BatchMetadata | undefined {
    if (epoch !== this.epoch) return undefined;
    for (const b of this.batches) {
      if (b.firstSeq === firstSeq && b.lastSeq === lastSeq) return b;
    }
    return undefined;
  }

  /** Last sequence of the newest retained batch, -1 when none is retained. */
  get lastSeq(): number {
    const last = this.batches[this.batches.length - 1];
    return last === undefined ? -1 : last.lastSeq;
  }

  get lastBatch(): BatchMetadata | undefined {
    return this.batches[this.batches.length - 1];
  }

  /** Records an appended batch. A new epoch forgets the old epoch's batches, as Kafka does. */
  addBatch(epoch: number, batch: BatchMetadata): void {
    if (epoch !== this.epoch) {
      this.epoch = epoch;
      this.batches = [];
    }
    if (this.batches.length === BATCHES_RETAINED) this.batches.shift();
    this.batches.push(batch);
    this.lastTimestamp = batch.timestamp;
  }

  /** What survives a restart from a snapshot: Kafka's snapshot stores only the last batch per producer. */
  keepLastBatchOnly(): void {
    if (this.batches.length > 1) this.batches = this.batches.slice(-1);
  }
}
