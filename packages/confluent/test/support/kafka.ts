// A real Kafka cluster through librdkafka's own admin and consumer (the binding's KafkaJS-style API): topic creation
// and reading a topic back up to the high watermarks taken before reading. Only for tests where the binding loads.
import type { KafkaJS as KafkaJSNamespace } from '@confluentinc/kafka-javascript';
import { highWatermarks, type StoredMessage, TopicReadBack } from '@idem/testkit';

type Kafka = KafkaJSNamespace.Kafka;

export type { StoredMessage } from '@idem/testkit';

async function kafkaJS(): Promise<typeof KafkaJSNamespace> {
  const mod = (await import(
    '@confluentinc/kafka-javascript'
  )) as typeof import('@confluentinc/kafka-javascript');
  return mod.KafkaJS;
}

export async function kafkaOf(bootstrap: string): Promise<Kafka> {
  const KafkaJS = await kafkaJS();
  return new KafkaJS.Kafka({
    kafkaJS: {
      clientId: 'idem-confluent-test',
      brokers: bootstrap.split(','),
      logLevel: KafkaJS.logLevel.NOTHING,
    },
  });
}

export async function createTopic(kafka: Kafka, topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions }] });
    // Wait until every partition has a leader (the admin's createTopics does not wait for it).
    const deadline = Date.now() + 30_000;
    for (;;) {
      const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
      if (offsets.length === numPartitions) break;
      if (Date.now() > deadline) throw new Error(`${topic} has no leaders after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Every record of `topic`, per partition in offset order. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  timeoutMs = 60_000,
): Promise<Map<number, StoredMessage[]>> {
  const read = new TopicReadBack(topic, await highWatermarks(kafka.admin(), topic));
  if (read.empty) return read.logs;
  const consumer = kafka.consumer({
    kafkaJS: { groupId: `reader-${topic}`, fromBeginning: true, autoCommit: false },
    'fetch.wait.max.ms': 100,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({ eachMessage: async ({ partition, message }) => read.take(partition, message) });
    return await read.finished(timeoutMs);
  } finally {
    await consumer.disconnect();
  }
}
