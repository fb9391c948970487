// Reads a whole topic back with a kafkajs consumer, up to the high watermarks taken before reading: what the
// broker really holds, for the delivery checker (bookkeeping shared with the other clients' readers in testkit).
import { highWatermarks, type StoredMessage, TopicReadBack } from '@idem/testkit';
import type { Kafka } from 'kafkajs';

export { type StoredMessage, toPartitionLogs } from '@idem/testkit';

/** Every record of `topic`, per partition in offset order. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  timeoutMs = 60_000,
): Promise<Map<number, StoredMessage[]>> {
  const read = new TopicReadBack(topic, await highWatermarks(kafka.admin(), topic));
  if (read.empty) return read.logs;
  const consumer = kafka.consumer({ groupId: `reader-${topic}`, maxBytes: 50 * 1024 * 1024 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) read.take(batch.partition, m);
        // Transaction markers and compacted gaps do not matter here: the next offset to fetch says how far we are.
        read.reached(batch.partition, BigInt(batch.lastOffset()) + 1n);
      },
    });
    return await read.finished(timeoutMs);
  } finally {
    await consumer.disconnect();
  }
}
