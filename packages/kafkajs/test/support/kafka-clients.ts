// kafkajs clients for the integration tests: quiet, short timeouts, the same settings everywhere.
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';

export function kafkaOf(bootstrap: string, extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: 'idem-kafkajs-test',
    brokers: bootstrap.split(','), // one address or a comma-separated list
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 15_000,
    ...extra,
  });
}

export async function createTopic(kafka: Kafka, topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}
