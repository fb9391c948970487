// Reads a whole topic back with a kafkajs consumer, up to the high watermarks taken before reading: what the
// broker really holds, for the delivery checker.
import type { PartitionLog } from '@idem/testkit';
import type { Kafka } from 'kafkajs';

export interface StoredMessage {
  readonly offset: bigint;
  readonly key: string | null;
  readonly value: string | null;
}

/** Every record of `topic`, per partition in offset order. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  timeoutMs = 60_000,
): Promise<Map<number, StoredMessage[]>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const p of await admin.fetchTopicOffsets(topic)) ends.set(p.partition, BigInt(p.high));
  } finally {
    await admin.disconnect();
  }
  const logs = new Map<number, StoredMessage[]>([...ends.keys()].map((p) => [p, []]));
  const remaining = new Set([...ends].filter(([, end]) => end > 0n).map(([p]) => p));
  if (remaining.size === 0) return logs;

  const consumer = kafka.consumer({ groupId: `reader-${topic}`, maxBytes: 50 * 1024 * 1024 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const log = logs.get(batch.partition) ?? [];
        const end = ends.get(batch.partition) ?? 0n;
        for (const m of batch.messages) {
          const offset = BigInt(m.offset);
          if (offset >= end) continue;
          log.push({ offset, key: m.key?.toString() ?? null, value: m.value?.toString() ?? null });
        }
        logs.set(batch.partition, log);
        // Transaction markers and compacted gaps do not matter here: the next offset to fetch says how far we are.
        if (BigInt(batch.lastOffset()) + 1n >= end) remaining.delete(batch.partition);
        if (remaining.size === 0) finish();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`reading ${topic} back took longer than ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    await Promise.race([done, timeout]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return logs;
}

/** The logs in the checker's shape; a record's id is its value. */
export function toPartitionLogs(topic: string, logs: Map<number, StoredMessage[]>): PartitionLog[] {
  return [...logs].map(([partition, records]) => ({
    topic,
    partition,
    records: records.map((r) => ({ offset: r.offset, id: r.value })),
  }));
}
