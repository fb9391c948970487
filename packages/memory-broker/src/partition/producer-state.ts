/**
 * All producers' state on one partition (Kafka's ProducerStateManager, idempotent part only). Note
 * there is no link to the producer-id allocator: like Kafka, a partition accepts any producer id.
 */
import { type BatchMetadata, ProducerStateEntry } from './producer-state-entry.js';

/** One producer as DescribeProducers reports it, plus the retained batches for tests. */
export interface ProducerStateView {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly lastSequence: number;
  readonly lastTimestamp: number;
  readonly coordinatorEpoch: number;
  readonly currentTxnStartOffset: bigint;
  readonly batches: readonly BatchMetadata[];
}

export class ProducerStateManager {
  private readonly entries = new Map<bigint, ProducerStateEntry>();

  get(producerId: bigint): ProducerStateEntry | undefined {
    return this.entries.get(producerId);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Records a batch that was just appended for `producerId`. */
  record(producerId: bigint, epoch: number, batch: BatchMetadata): void {
    let entry = this.entries.get(producerId);
    if (entry === undefined) {
      entry = new ProducerStateEntry(producerId, epoch);
      this.entries.set(producerId, entry);
    }
    entry.addBatch(epoch, batch);
  }

  /**
   * Kafka's removeExpiredProducers: an entry expires once `now - lastTimestamp >= expirationMs`, where
   * lastTimestamp is the last batch's record timestamp. Returns the producer ids removed.
   */
  removeExpired(now: number, expirationMs: number): bigint[] {
    const removed: bigint[] = [];
    for (const [producerId, entry] of this.entries) {
      if (now - entry.lastTimestamp >= expirationMs) {
        this.entries.delete(producerId);
        removed.push(producerId);
      }
    }
    return removed;
  }

  /** A restart that reloads Kafka's snapshot: expired producers are dropped, the rest keep only their last batch. */
  reloadFromSnapshot(now: number, expirationMs: number): void {
    this.removeExpired(now, expirationMs);
    for (const entry of this.entries.values()) entry.keepLastBatchOnly();
  }

  clear(): void {
    this.entries.clear();
  }

  /** Every producer with state here, by ascending producer id (a stable order for tests). */
  describe(): ProducerStateView[] {
    const views: ProducerStateView[] = [];
    for (const entry of this.entries.values()) {
      views.push({
        producerId: entry.producerId,
        producerEpoch: entry.epoch,
        lastSequence: entry.lastSeq,
        lastTimestamp: entry.lastTimestamp,
        coordinatorEpoch: entry.coordinatorEpoch,
        currentTxnStartOffset: -1n,
        batches: entry.batches.slice(),
      });
    }
    return views.sort((a, b) => (a.producerId < b.producerId ? -1 : a.producerId > b.producerId ? 1 : 0));
  }
}
