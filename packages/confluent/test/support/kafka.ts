// A real Kafka cluster through librdkafka's own admin and consumer (the binding's KafkaJS-style API): topic creation
// and reading a topic back up to the high watermarks taken before reading. Only for tests where the binding loads.
import type { KafkaJS as KafkaJSNamespace } from '@confluentinc/kafka-javascript';

type Kafka = KafkaJSNamespace.Kafka;

export interface StoredMessage {
  readonly offset: bigint;
  readonly key: string | null;
  readonly value: string | null;
}

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
  const consumer = kafka.consumer({
    kafkaJS: { groupId: `reader-${topic}`, fromBeginning: true, autoCommit: false },
    'fetch.wait.max.ms': 100,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic] });
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const offset = BigInt(message.offset);
        const end = ends.get(partition) ?? 0n;
        if (offset < end)
          logs.get(partition)?.push({
            offset,
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? null,
          });
        if (offset + 1n >= end) remaining.delete(partition);
        if (remaining.size === 0) finish();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`reading ${topic} took longer than ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    await Promise.race([done, timeout]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return logs;
}
