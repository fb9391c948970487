// Sending records with per-record results through @idem/confluent (librdkafka's idempotent producer behind
// idem's contract), against the memory broker's TCP server, or a real Kafka with --bootstrap.
// Skipped, with the reason, when the optional native peer @confluentinc/kafka-javascript does not load.
//   pnpm example confluent-producer [--bootstrap host:port]
import { confluentProducer, isIdemError, loadNative } from '@idem/confluent';
import { MemoryBrokerServer, readRecords, silentLogger } from '@idem/memory-broker';
import { parseArgs, show } from './support/broker.ts';

const native = loadNative();
if ('reason' in native) {
  console.log(`skipped: @confluentinc/kafka-javascript does not load here (${native.reason})`);
  process.exit(0);
}

const { bootstrap } = parseArgs();
const server =
  bootstrap === null
    ? await MemoryBrokerServer.start({
        brokers: 1,
        logger: silentLogger,
        topics: { orders: { partitions: 3 } },
      })
    : null;
const topic = server === null ? `orders-${Date.now()}` : 'orders';
console.log(
  `broker: ${server === null ? `Kafka at ${bootstrap}` : 'embedded memory broker (TCP)'}, topic ${topic}`,
);

const producer = confluentProducer({
  bootstrapServers: bootstrap ?? server!.bootstrapServers,
  clientId: 'example-confluent',
  rdkafka: { 'allow.auto.create.topics': true },
});
await producer.connect();
const results = await producer.send([
  { topic, partition: 0, key: 'customer-42', value: 'paid' },
  { topic, partition: 0, key: 'customer-42', value: 'shipped' },
  { topic, partition: 1, value: 'audit' },
]);
console.log(
  `send([paid, shipped, audit]): ${results.map((m) => `${m.topic}/${m.partition}@${m.offset}`).join(' ')}`,
);
const refused = await producer.send({ topic, partition: 9, value: 'nowhere' }).catch((e: unknown) => e);
console.log(
  `typed error: ${isIdemError(refused) ? `${refused.code} possiblyPersisted=${refused.possiblyPersisted}` : String(refused)}`,
);
await producer.close();
if (server !== null) {
  // What landed, read back from the broker: each record once, with librdkafka's producer id.
  for (const p of [0, 1]) {
    const log = readRecords(server, topic, p).map(show);
    console.log(`log: ${topic}/${p} [${log.join(', ')}]`);
  }
  await server.close();
}
