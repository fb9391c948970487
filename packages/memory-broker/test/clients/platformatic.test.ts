/**
 * @platformatic/kafka 1.35.0 against the TCP server: an idempotent producer sends 10,000 records and
 * a group consumer (its stream API) reads them back exactly once, in order per partition.
 */
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
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

const TOPIC = 'platformatic-round-trip';
let broker: TestBroker | undefined;

afterEach(async () => {
  await broker?.server.close();
  broker = undefined;
});

describe('@platformatic/kafka 1.35.0 through the TCP server', () => {
  it('produces 10,000 records idempotently and consumes them back exactly once, in order', async () => {
    broker = await startBroker(TOPIC);
    const producer = new Producer({
      clientId: 'platformatic-round-trip',
      bootstrapBrokers: broker.brokers,
      serializers: stringSerializers,
      idempotent: true,
    });
    try {
      for (let i = 0; i < RECORDS; i += 500) {
        const messages = Array.from({ length: 500 }, (_, j) => ({
          topic: TOPIC,
          key: recordKey(i + j),
          value: recordValue(i + j),
        }));
        await producer.send({ messages });
      }
    } finally {
      await producer.close();
    }
    expectIdempotentLog(broker.cluster, TOPIC);

    const consumed: Consumed[] = [];
    const consumer = new Consumer({
      groupId: 'platformatic-readers',
      clientId: 'platformatic-round-trip',
      bootstrapBrokers: broker.brokers,
      deserializers: stringDeserializers,
      maxWaitTime: 100,
    });
    try {
      const stream = await consumer.consume({ autocommit: true, topics: [TOPIC], mode: 'earliest' });
      stream.on('data', (message) => {
        consumed.push({ partition: message.partition, offset: message.offset, value: message.value });
      });
      await waitFor('10,000 records', () => consumed.length >= RECORDS, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await stream.close();
    } finally {
      await consumer.close(true);
    }
    expectExactlyOnceInOrder(broker.cluster, TOPIC, consumed);
    expect(broker.logged).toEqual([]);
  }, 60_000);
});
