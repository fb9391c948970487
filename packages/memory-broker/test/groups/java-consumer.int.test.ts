/**
 * The Java KafkaConsumer (org.apache.kafka:kafka-clients 4.3.0 from Maven Central) with group.protocol=consumer
 * (KIP-848) reads back a topic it produced to the memory broker's TCP server, and two consumers of one group
 * split its four partitions two and two; the same program runs against Kafka 4.3.0 (tooling/kafka) and both
 * must print the same results (test/groups/java/ConsumerCalls.java). Skips with the reason where Java, the jars
 * or the Kafka broker are missing.
 */
import { uniqueTopic } from '@idem/kafka-tooling';
import { describe, expect, it } from 'vitest';
import { javaProgram, memoryBrokerServer } from '../java-clients.js';

const consumerCalls = javaProgram(new URL('./java/ConsumerCalls.java', import.meta.url), 'java-consumer');
const { skip } = consumerCalls;

describe.skipIf(skip !== null)(
  `Java KafkaConsumer 4.3.0, group.protocol=consumer${skip ? ` [skipped: ${skip}]` : ''}`,
  () => {
    const server = memoryBrokerServer();

    it('reads a topic back and splits it between two members, with the same answers as Kafka', async () => {
      const topic = uniqueTopic('java-consumer');
      const memory = await consumerCalls.run(server().bootstrapServers, topic);
      expect(memory.get('one.read')).toBe('40');
      expect(memory.get('two.split')).toBe('true');
      const real = await consumerCalls.run(consumerCalls.kafkaBootstrap, topic);
      expect(Object.fromEntries(memory)).toEqual(Object.fromEntries(real));
    }, 400_000);
  },
);
