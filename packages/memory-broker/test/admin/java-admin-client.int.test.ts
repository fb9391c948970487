/**
 * The Java AdminClient (org.apache.kafka:kafka-clients 4.3.0 from Maven Central) runs its set-up calls —
 * createTopics, describeCluster, describeConfigs, incrementalAlterConfigs, createPartitions, deleteRecords,
 * deleteConsumerGroups — against the memory broker's TCP server and against Kafka 4.3.0 (tooling/kafka), and
 * both must print the same results (test/admin/java/AdminCalls.java). Skips with the reason where Java, the
 * jars or the Kafka broker are missing.
 */
import { uniqueTopic } from '@idem/kafka-tooling';
import { describe, expect, it } from 'vitest';
import { javaProgram, memoryBrokerServer } from '../java-clients.js';

const adminCalls = javaProgram(new URL('./java/AdminCalls.java', import.meta.url), 'java-admin-client');
const { skip } = adminCalls;

describe.skipIf(skip !== null)(`Java AdminClient 4.3.0${skip ? ` [skipped: ${skip}]` : ''}`, () => {
  const server = memoryBrokerServer();

  it('gets the same answers from the memory broker as from Kafka', async () => {
    const topic = uniqueTopic('java-admin');
    const memory = await adminCalls.run(server().bootstrapServers, topic);
    const real = await adminCalls.run(adminCalls.kafkaBootstrap, topic);
    expect(memory.get('partitions')).toBe('3');
    expect(memory.get('deleteRecords.lowWatermark')).toBe('3');
    expect(Object.fromEntries(memory)).toEqual(Object.fromEntries(real));
  }, 400_000);
});
