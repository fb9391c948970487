/**
 * librdkafka (through @confluentinc/kafka-javascript 1.10.1, its KafkaJS-style API) against the
 * TCP server: an idempotent producer (enable.idempotence=true) sends 10,000 records and a group
 * consumer reads them back exactly once, in order per partition.
 */
import { KafkaJS } from '@confluentinc/kafka-javascript';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Consumed,
  expectExactlyOnceInOrder,
  expectIdempotentLog,
  recordKey,
  RECORDS,
  startBroker,
  type TestBroker,
  recordValue,
  waitFor,
} from './round-trip.js';

const TOPIC = 'librdkafka-round-trip';
let broker: TestBroker | undefined;

afterEach(async () => {
  await broker?.server.close();
  broker = undefined;
});

describe('librdkafka (@confluentinc/kafka-javascript 1.10.1) through the TCP server', () => {
  it('produces 10,000 records idempotently and consumes them back exactly once, in order', async () => {
    broker = await startBroker(TOPIC);
    const kafka = new KafkaJS.Kafka({
      kafkaJS: {
        clientId: 'librdkafka-round-trip',
        brokers: broker.brokers,
        logLevel: KafkaJS.logLevel.NOTHING,
      },
    });

    const producer = kafka.producer({ 'enable.idempotence': true, 'linger.ms': 5 });
    await producer.connect();
    try {
      for (let i = 0; i < RECORDS; i += 500) {
        const messages = Array.from({ length: 500 }, (_, j) => ({
          key: recordKey(i + j),
          value: recordValue(i + j),
        }));
        await producer.send({ topic: TOPIC, messages });
      }
      await producer.flush({ timeout: 10_000 });
    } finally {
      await producer.disconnect();
    }
    expectIdempotentLog(broker.cluster, TOPIC);

    const consumed: Consumed[] = [];
    const consumer = kafka.consumer({
      kafkaJS: { groupId: 'librdkafka-readers', fromBeginning: true },
      'fetch.wait.max.ms': 100,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [TOPIC] });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          consumed.push({ partition, offset: BigInt(message.offset), value: message.value!.toString() });
        },
      });
      await waitFor('10,000 records', () => consumed.length >= RECORDS, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      await consumer.disconnect();
    }
    expectExactlyOnceInOrder(broker.cluster, TOPIC, consumed);
    expect(broker.logged).toEqual([]);
  }, 60_000);
});
