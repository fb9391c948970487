import type { Random } from '../ports/transport.js';

/**
 * Partition choice for records without a key or explicit partition (KIP-794's idea, simplified): stay on one
 * partition per topic until about one batch worth of bytes has gone to it, then pick another at random. Records
 * of one batch share a partition, so unkeyed traffic still forms full batches; the choice is made once, at
 * `send()`, and a retry never moves a record (kafkajs re-partitions on retry and so duplicates).
 */
export class StickyPartitioner {
  private readonly current = new Map<string, { partition: number; bytes: number }>();

  constructor(
    private readonly random: Random,
    private readonly batchSize: number,
  ) {}

  partition(topic: string, numPartitions: number, recordBytes: number): number {
    let sticky = this.current.get(topic);
    if (sticky === undefined || sticky.partition >= numPartitions || sticky.bytes >= this.batchSize) {
      sticky = { partition: this.pick(numPartitions, sticky?.partition), bytes: 0 };
      this.current.set(topic, sticky);
    }
    sticky.bytes += recordBytes;
    return sticky.partition;
  }

  private pick(numPartitions: number, previous: number | undefined): number {
    if (numPartitions <= 1 || previous === undefined || previous >= numPartitions) {
      return Math.floor(this.random.next() * numPartitions) % numPartitions;
    }
    // Any partition but the one just filled.
    const offset = 1 + Math.floor(this.random.next() * (numPartitions - 1));
    return (previous + offset) % numPartitions;
  }
}
