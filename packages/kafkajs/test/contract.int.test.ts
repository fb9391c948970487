// The core's Producer contract, run against this adapter (`idempotentProducer(kafka).producer`) on the real
// Apache Kafka broker, and on the memory broker's TCP server when that package provides one.
import { describeKafka, requireBootstrap, uniqueTopic } from '@idem/kafka-tooling';
import { runProducerContract } from '@idem/testing';
import { idempotentProducer } from '../src/index.js';
import { createTopic, kafkaOf } from './support/kafka-clients.js';
import { readTopic } from './support/read-topic.js';

describeKafka('kafkajs adapter on Kafka 4.3.0', () => {
  runProducerContract('idem-kafkajs on a real broker', async ({ partitions, options }) => {
    const kafka = kafkaOf(requireBootstrap());
    // Options are checked before any topic exists: a ConfigError must come from construction alone.
    const adapter = idempotentProducer(kafka, { idem: options });
    const topic = uniqueTopic('idem-contract');
    await createTopic(kafka, topic, partitions);
    await adapter.connect();
    let log: Map<number, { offset: bigint; key: string | null; value: string | null }[]> | null = null;
    return {
      producer: adapter.producer,
      topic,
      readLog: async (partition) => {
        log ??= await readTopic(kafka, topic);
        return log.get(partition) ?? [];
      },
      settle: (promise) => promise,
      dispose: () => adapter.disconnect(),
    };
  });
});
