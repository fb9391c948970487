/**
 * One partition's append-only log. Batches are kept as the bytes the client sent, with baseOffset
 * and partitionLeaderEpoch written in place as Kafka does (both lie outside the CRC, so the CRC
 * stays valid). acks=all is trivially satisfied in memory, so the high watermark is the log end.
 */

import { ByteSlab } from './byte-slab.js';

/** One stored batch. `bytes` is null when the cluster was told not to keep record bytes (benchmarks). */
export interface StoredBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly bytes: Buffer | null;
}

export class PartitionLog {
  private readonly batches: StoredBatch[] = [];
  private start = 0;
  private end = 0;
  private written = false;

  /** Null when record bytes are not kept: then nothing is copied or stamped at all. */
  private readonly slab: ByteSlab | null;

  constructor(keepBytes: boolean) {
    this.slab = keepBytes ? new ByteSlab() : null;
  }

  get keepsBytes(): boolean {
    return this.slab !== null;
  }

  get logStartOffset(): number {
    return this.start;
  }

  get logEndOffset(): number {
    return this.end;
  }

  get highWatermark(): number {
    return this.end;
  }

  /** Whether any record was ever appended, even if since deleted (KAFKA-15591 looks at this). */
  get everWritten(): boolean {
    return this.written;
  }

  /**
   * Appends a validated batch: stores a copy (the client may retry with, or reuse, its buffer) with
   * baseOffset and partitionLeaderEpoch written in place, after `prepare` had its say on the copy.
   * Returns the assigned base offset.
   */
  append(
    bytes: Buffer,
    recordCount: number,
    leaderEpoch: number,
    prepare?: (stored: Buffer) => void,
  ): number {
    const baseOffset = this.end;
    let stored: Buffer | null = null;
    if (this.slab !== null) {
      stored = this.slab.copy(bytes);
      prepare?.(stored);
      writeInt64(stored, 0, baseOffset);
      stored.writeInt32BE(leaderEpoch, PARTITION_LEADER_EPOCH_OFFSET);
    }
    this.batches.push({ baseOffset, lastOffset: baseOffset + recordCount - 1, bytes: stored });
    this.end = baseOffset + recordCount;
    this.written = true;
    return baseOffset;
  }

  /** Stored batches whose last offset is at or after `fromOffset`, oldest first. */
  read(fromOffset = this.start): StoredBatch[] {
    let lo = 0;
    let hi = this.batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.batches[mid]!.lastOffset < fromOffset) lo = mid + 1;
      else hi = mid;
    }
    return this.batches.slice(lo);
  }

  /** Kafka's DeleteRecords: moves the log start offset forward (never past the end) and drops whole batches before it. */
  deleteBefore(offset: number): void {
    const target = Math.min(Math.max(offset, this.start), this.end);
    this.start = target;
    while (this.batches.length > 0 && this.batches[0]!.lastOffset < target) this.batches.shift();
  }
}

// Byte positions of the two header fields a broker stamps (RecordBatch v2; docs/broker-rules.md §"The RecordBatch v2 header").
const PARTITION_LEADER_EPOCH_OFFSET = 12;

function writeInt64(buf: Buffer, at: number, value: number): void {
  // Offsets stay far below 2^53, so two 32-bit halves avoid a BigInt per batch.
  buf.writeInt32BE(Math.floor(value / 0x1_0000_0000), at);
  buf.writeUInt32BE(value >>> 0, at + 4);
}
