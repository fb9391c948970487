// @idem/kafkajs as a drop-in for a kafkajs producer, against the memory broker's TCP server.
//   pnpm example kafkajs-drop-in
import { idempotentProducer, isIdemError } from '@idem/kafkajs';
import { MemoryBrokerServer, silentLogger } from '@idem/memory-broker';
import { Kafka, logLevel } from 'kafkajs';

// Three brokers on free loopback ports, speaking the Kafka wire protocol; any Kafka client can connect.
const server = await MemoryBrokerServer.start({
  brokers: 3,
  logger: silentLogger,
  topics: { orders: { partitions: 3 } },
});
console.log(`broker: memory broker listening on ${server.bootstrapServers}`);

const kafka = new Kafka({
  clientId: 'billing',
  brokers: server.bootstrapServers.split(','),
  logLevel: logLevel.NOTHING,
});
// const producer = kafka.producer();   <- the one line that changes
const producer = idempotentProducer(kafka);

await producer.connect();
console.log(`connect: isIdempotent() ${producer.isIdempotent()}`);

// kafkajs's send() and its answer: one entry per partition written, offsets as strings.
const sent = await producer.send({
  topic: 'orders',
  messages: [
    { key: 'customer-42', value: 'paid' },
    { key: 'customer-42', value: 'shipped' },
  ],
});
console.log(`send: ${JSON.stringify(sent)}`);

// kafkajs's sendBatch(), several topics' messages in one call.
const batch = await producer.sendBatch({
  topicMessages: [
    {
      topic: 'orders',
      messages: [
        { value: 'x', partition: 1 },
        { value: 'y', partition: 1 },
      ],
    },
  ],
});
console.log(`sendBatch: ${batch.map((r) => `${r.topicName}/${r.partition}@${r.baseOffset}`).join(' ')}`);

// Failures are idem's typed errors (code, retriable, possiblyPersisted).
const refused = await producer
  .send({ topic: 'orders', messages: [{ value: 'nowhere', partition: 9 }] })
  .catch((e: unknown) => e);
if (!isIdemError(refused)) throw refused;
console.log(`typed error: ${refused.code} possiblyPersisted=${refused.possiblyPersisted}`);

// idem's own interface is there too: the producer id and the partition's sequences.
const p1 = producer.producer.state.partitions.find((p) => p.topic === 'orders' && p.partition === 1);
console.log(
  `idem state: producerId ${producer.producer.state.producerId}; orders/1 nextSequence ${p1?.nextSequence}`,
);

await producer.disconnect();

// Read back what the brokers hold, with kafkajs's own admin client.
const admin = kafka.admin();
await admin.connect();
const offsets = await admin.fetchTopicOffsets('orders');
await admin.disconnect();
console.log(`log end offsets: ${offsets.map((o) => `orders/${o.partition}=${o.high}`).join(' ')}`);

await server.close();
