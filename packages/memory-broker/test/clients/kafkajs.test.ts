/**
 * kafkajs 2.2.4 against the TCP server: its admin creates nothing (the topic exists) but lists it,
 * its idempotent producer (maxInFlightRequests 1, as kafkajs requires) sends 10,000 records, and its
 * group consumer reads them back exactly once, in order per partition.
 */
import { Kafka, logLevel } from 'kafkajs';
import { expect } from 'vitest';
import { describeRoundTrip, eachMessageInto, recordSends } from './round-trip.js';

const TOPIC = 'kafkajs-round-trip';

describeRoundTrip('kafkajs 2.2.4 through the TCP server', TOPIC, (broker) => {
  const kafka = new Kafka({
    clientId: 'kafkajs-round-trip',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 3 },
  });
  return {
    async produce() {
      const admin = kafka.admin();
      await admin.connect();
      expect(await admin.listTopics()).toContain(TOPIC);
      await admin.disconnect();

      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      for (const messages of recordSends()) await producer.send({ topic: TOPIC, messages });
      await producer.disconnect();
    },
    async consume(consumed, delivered) {
      const consumer = kafka.consumer({ groupId: 'kafkajs-readers', maxWaitTimeInMs: 100 });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
        await consumer.run({ eachMessage: eachMessageInto(consumed) });
        await delivered();
      } finally {
        await consumer.disconnect();
      }
    },
  };
});
