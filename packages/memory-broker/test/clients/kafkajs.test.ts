/**
 * kafkajs 2.2.4 against the TCP server: its admin creates nothing (the topic exists) but lists it,
 * its idempotent producer (maxInFlightRequests 1, as kafkajs requires) sends 10,000 records, and its
 * group consumer reads them back exactly once, in order per partition.
 */
import { Kafka, logLevel } from 'kafkajs';
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

const TOPIC = 'kafkajs-round-trip';
let broker: TestBroker | undefined;

afterEach(async () => {
  await broker?.server.close();
  broker = undefined;
});

describe('kafkajs 2.2.4 through the TCP server', () => {
  it('produces 10,000 records idempotently and consumes them back exactly once, in order', async () => {
    broker = await startBroker(TOPIC);
    const kafka = new Kafka({
      clientId: 'kafkajs-round-trip',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 3 },
    });

    const admin = kafka.admin();
    await admin.connect();
    expect(await admin.listTopics()).toContain(TOPIC);
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < RECORDS; i += 500) {
      const messages = Array.from({ length: 500 }, (_, j) => ({
        key: recordKey(i + j),
        value: recordValue(i + j),
      }));
      await producer.send({ topic: TOPIC, messages });
    }
    await producer.disconnect();
    expectIdempotentLog(broker.cluster, TOPIC);

    const consumed: Consumed[] = [];
    const consumer = kafka.consumer({ groupId: 'kafkajs-readers', maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          consumed.push({ partition, offset: BigInt(message.offset), value: message.value!.toString() });
        },
      });
      await waitFor('10,000 records', () => consumed.length >= RECORDS, 30_000);
      // Anything more (a duplicate delivery) would arrive now.
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      await consumer.disconnect();
    }
    expectExactlyOnceInOrder(broker.cluster, TOPIC, consumed);
    expect(broker.logged).toEqual([]);
  }, 60_000);
});
