// Reading a cell's topic back for the checker. On a real broker the bookkeeping is testkit's (high watermarks
// first, then consume up to them, bounded: TopicReadBack) and only the consumer is driven here, one for every topic
// of the matrix (one group join, not one per cell). The memory broker's log is read by its own reader (readRecords),
// into testkit's toPartitionLogs the same way (the fault demo reads its log here too).
import { type MemoryCluster, readRecords } from '@idem/memory-broker';
import {
  highWatermarks,
  type PartitionLog,
  type StoredMessage,
  TopicReadBack,
  toPartitionLogs,
  type WatermarkAdmin,
} from '@idem/testkit';
import type { Kafka } from 'kafkajs';

/** The value of the record every cell sends first to connect its client; not part of what the checker judges. */
export const WARMUP = 'warmup';
/** How long reading every topic of the matrix back may take. */
const READ_BACK_LIMIT_MS = 60_000;

/** The checker's logs of `topic`, the warm-up record untracked (an id never sent would be a phantom). */
function checkerLogs(topic: string, logs: ReadonlyMap<number, StoredMessage[]>): PartitionLog[] {
  return toPartitionLogs(topic, logs).map((log) => ({
    ...log,
    records: log.records.map((r) => (r.id === WARMUP ? { ...r, id: null } : r)),
  }));
}

/** Partitions 0 to `partitions` - 1 of `topic` on the memory broker, as stored (the chaos cells write partition 0). */
export function readMemoryLog(cluster: MemoryCluster, topic: string, partitions = 1): PartitionLog[] {
  const logs = new Map<number, StoredMessage[]>();
  for (let partition = 0; partition < partitions; partition++)
    logs.set(partition, readRecords(cluster, topic, partition));
  return checkerLogs(topic, logs);
}

/** Every topic of `topics` read back from the real broker with one kafkajs consumer. */
export async function readKafkaLogs(
  kafka: Kafka,
  topics: readonly string[],
): Promise<Map<string, PartitionLog[]>> {
  const admin = kafka.admin();
  await admin.connect();
  const reads = new Map<string, TopicReadBack>();
  try {
    // One connection for every topic's watermarks: highWatermarks connects and disconnects the admin it is given.
    const shared: WatermarkAdmin = {
      connect: async () => undefined,
      disconnect: async () => undefined,
      fetchTopicOffsets: (topic) => admin.fetchTopicOffsets(topic),
    };
    for (const topic of topics)
      reads.set(topic, new TopicReadBack(topic, await highWatermarks(shared, topic)));
  } finally {
    await admin.disconnect();
  }
  const pending = [...reads].filter(([, read]) => !read.empty).map(([topic]) => topic);
  if (pending.length > 0) {
    const consumer = kafka.consumer({ groupId: `idem-bench-chaos-${Date.now()}`, maxBytes: 50 << 20 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: pending, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const read = reads.get(batch.topic);
          if (read === undefined) return;
          for (const m of batch.messages) read.take(batch.partition, m);
          // Transaction markers and compacted gaps do not matter: the next offset to fetch says how far it got.
          read.reached(batch.partition, BigInt(batch.lastOffset()) + 1n);
        },
      });
      await Promise.all(pending.map((topic) => reads.get(topic)!.finished(READ_BACK_LIMIT_MS)));
    } finally {
      await consumer.disconnect();
    }
  }
  return new Map([...reads].map(([topic, read]) => [topic, checkerLogs(topic, read.logs)]));
}
