/**
 * librdkafka (through @confluentinc/kafka-javascript 1.10.1, its KafkaJS-style API) against the
 * TCP server: an idempotent producer (enable.idempotence=true) sends 10,000 records and a group
 * consumer reads them back exactly once, in order per partition.
 */
import { KafkaJS } from '@confluentinc/kafka-javascript';
import { describeRoundTrip, eachMessageInto, recordSends } from './round-trip.js';

const TOPIC = 'librdkafka-round-trip';

describeRoundTrip(
  'librdkafka (@confluentinc/kafka-javascript 1.10.1) through the TCP server',
  TOPIC,
  (broker) => {
    const kafka = new KafkaJS.Kafka({
      kafkaJS: {
        clientId: 'librdkafka-round-trip',
        brokers: broker.brokers,
        logLevel: KafkaJS.logLevel.NOTHING,
      },
    });
    return {
      async produce() {
        const producer = kafka.producer({ 'enable.idempotence': true, 'linger.ms': 5 });
        await producer.connect();
        try {
          for (const messages of recordSends()) await producer.send({ topic: TOPIC, messages });
          await producer.flush({ timeout: 10_000 });
        } finally {
          await producer.disconnect();
        }
      },
      async consume(consumed, delivered) {
        const consumer = kafka.consumer({
          kafkaJS: { groupId: 'librdkafka-readers', fromBeginning: true },
          'fetch.wait.max.ms': 100,
        });
        await consumer.connect();
        try {
          await consumer.subscribe({ topics: [TOPIC] });
          await consumer.run({ eachMessage: eachMessageInto(consumed) });
          await delivered();
        } finally {
          await consumer.disconnect();
        }
      },
    };
  },
);
