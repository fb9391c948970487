/**
 * @platformatic/kafka 1.35.0 against the TCP server: an idempotent producer sends 10,000 records and
 * a group consumer (its stream API) reads them back exactly once, in order per partition.
 */
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { describeRoundTrip, recordSends } from './round-trip.js';

const TOPIC = 'platformatic-round-trip';

describeRoundTrip('@platformatic/kafka 1.35.0 through the TCP server', TOPIC, (broker) => ({
  async produce() {
    const producer = new Producer({
      clientId: 'platformatic-round-trip',
      bootstrapBrokers: broker.brokers,
      serializers: stringSerializers,
      idempotent: true,
    });
    try {
      for (const sends of recordSends()) {
        await producer.send({ messages: sends.map((send) => ({ topic: TOPIC, ...send })) });
      }
    } finally {
      await producer.close();
    }
  },
  async consume(consumed, delivered) {
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
      await delivered();
      await stream.close();
    } finally {
      await consumer.close(true);
    }
  },
}));
