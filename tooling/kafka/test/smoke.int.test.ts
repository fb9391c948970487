// Smoke test of the test broker itself, with plain kafkajs (no idem code involved).
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { expect, it } from 'vitest';
import { describeKafka, kafkaTarget, SASL_PLAIN_CREDENTIALS, uniqueTopic } from '../src/index.js';

const RECORDS = 100;
const PARTITIONS = 3;

async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function client(brokers: string, clientId: string, sasl = false): Kafka {
  return new Kafka({
    clientId,
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5_000,
    requestTimeout: 15_000,
    retry: { retries: 3 },
    ...(sasl ? { sasl: { ...SASL_PLAIN_CREDENTIALS } } : {}),
  });
}

describeKafka('kafka test broker (smoke)', () => {
  it('round-trips 100 records through a 3-partition topic with a consumer group', async () => {
    const { bootstrap } = kafkaTarget();
    const kafka = client(bootstrap as string, 'idem-smoke');
    const topic = uniqueTopic('smoke');

    const admin = kafka.admin();
    await within(15_000, 'admin connect', admin.connect());
    try {
      const created = await within(
        20_000,
        'createTopics',
        admin.createTopics({
          topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
          waitForLeaders: true,
          timeout: 15_000,
        }),
      );
      expect(created).toBe(true);

      // Mixed keys: some null (spread by the partitioner), the rest from a few repeating keys.
      const sent = Array.from({ length: RECORDS }, (_, i) => ({
        key: i % 4 === 0 ? null : `key-${i % 7}`,
        value: `value-${i}`,
      }));
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await within(15_000, 'producer connect', producer.connect());
      try {
        for (let i = 0; i < RECORDS; i += 25) {
          await within(
            15_000,
            `send batch ${i}`,
            producer.send({ topic, acks: -1, messages: sent.slice(i, i + 25) }),
          );
        }
      } finally {
        await producer.disconnect();
      }

      // What the broker holds per partition (log end - log start).
      const offsets = await within(10_000, 'fetchTopicOffsets', admin.fetchTopicOffsets(topic));
      const expectedPerPartition = new Map(offsets.map((o) => [o.partition, Number(o.high) - Number(o.low)]));
      expect(offsets).toHaveLength(PARTITIONS);
      expect([...expectedPerPartition.values()].reduce((a, b) => a + b, 0)).toBe(RECORDS);

      const received: { partition: number; key: string | null; value: string }[] = [];
      const consumer = kafka.consumer({ groupId: uniqueTopic('smoke-group'), sessionTimeout: 10_000 });
      await within(15_000, 'consumer connect', consumer.connect());
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        let reachedAll: () => void = () => {};
        const allArrived = new Promise<void>((resolve) => {
          reachedAll = resolve;
        });
        await consumer.run({
          eachMessage: async ({ partition, message }) => {
            received.push({
              partition,
              key: message.key ? message.key.toString() : null,
              value: message.value?.toString() ?? '',
            });
            if (received.length >= RECORDS) reachedAll();
          },
        });
        await within(45_000, `consuming ${RECORDS} records (got ${received.length})`, allArrived);
        // Linger briefly so duplicates would show up in the count.
        await new Promise((r) => setTimeout(r, 1_000));
      } finally {
        await consumer.disconnect();
      }

      expect(received).toHaveLength(RECORDS);
      expect(new Set(received.map((r) => r.value))).toEqual(new Set(sent.map((s) => s.value)));
      const gotPerPartition = new Map<number, number>();
      for (const r of received) gotPerPartition.set(r.partition, (gotPerPartition.get(r.partition) ?? 0) + 1);
      for (const [partition, count] of expectedPerPartition) {
        expect(gotPerPartition.get(partition) ?? 0, `partition ${partition}`).toBe(count);
      }
      // Same key, same partition.
      const partitionOfKey = new Map<string, number>();
      for (const r of received) {
        if (r.key === null) continue;
        expect(partitionOfKey.get(r.key) ?? r.partition, `partition of ${r.key}`).toBe(r.partition);
        partitionOfKey.set(r.key, r.partition);
      }

      await within(15_000, 'deleteTopics', admin.deleteTopics({ topics: [topic], timeout: 10_000 }));
    } finally {
      await admin.disconnect();
    }
  });

  it('accepts SASL/PLAIN idem/idem-secret on the SASL_PLAINTEXT listener and rejects a wrong password', async (ctx) => {
    const { saslBootstrap } = kafkaTarget();
    if (!saslBootstrap) {
      ctx.skip('no SASL listener (external KAFKA_BOOTSTRAP without KAFKA_SASL_BOOTSTRAP)');
      return;
    }
    const admin = client(saslBootstrap, 'idem-smoke-sasl', true).admin();
    await within(15_000, 'SASL admin connect', admin.connect());
    try {
      const cluster = await within(10_000, 'describeCluster over SASL', admin.describeCluster());
      expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    } finally {
      await admin.disconnect();
    }

    const bad = new Kafka({
      clientId: 'idem-smoke-sasl-bad',
      brokers: [saslBootstrap],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 5_000,
      retry: { retries: 0 },
      sasl: { mechanism: 'plain', username: 'idem', password: 'wrong' },
    }).admin();
    await expect(within(15_000, 'bad SASL connect', bad.connect())).rejects.toThrow(/SASL|[Aa]uthentication/);
    await bad.disconnect();
  });
});
