// The minimal adapter of examples/minimal-adapter/ (idem's Transport over raw TCP, @idem/codec framing) under
// the core's producer, against the memory broker's TCP server (or a real Kafka with --bootstrap).
//   pnpm example minimal-adapter [--bootstrap host:port]
import { createProducer, isIdemError } from '@idem/core';
import { MemoryBrokerServer, readRecords, silentLogger } from '@idem/memory-broker';
import { TcpTransport } from './minimal-adapter/tcp-transport.ts';
import { parseArgs, show } from './support/broker.ts';

const { bootstrap } = parseArgs();
const server =
  bootstrap === null
    ? await MemoryBrokerServer.start({
        brokers: 2,
        logger: silentLogger,
        topics: { orders: { partitions: 2 } },
      })
    : null;
if (server === null) {
  console.log(
    'skipped: with --bootstrap, create a topic "orders" with 2 partitions first; this run uses the memory broker only',
  );
  process.exit(0);
}
console.log(`broker: memory broker listening on ${server.bootstrapServers}`);
const producer = createProducer({
  transport: new TcpTransport(server.bootstrapServers.split(',')[0]!, { clientId: 'minimal' }),
});
const sent = await producer.send([
  { topic: 'orders', partition: 0, value: 'a' },
  { topic: 'orders', partition: 1, value: 'b' },
  { topic: 'orders', partition: 0, value: 'c' },
]);
console.log(`send([a, b, c]): ${sent.map((m) => `orders/${m.partition}@${m.offset}`).join(' ')}`);
const refused = await producer.send({ topic: 'orders', partition: 5, value: 'x' }).catch((e: unknown) => e);
console.log(
  `typed error: ${isIdemError(refused) ? `${refused.code} possiblyPersisted=${refused.possiblyPersisted}` : String(refused)}`,
);
console.log(`state: producerId ${producer.state.producerId} epoch ${producer.state.epoch}`);
await producer.close();
for (const p of [0, 1]) {
  const log = readRecords(server, 'orders', p).map(show);
  console.log(`log: orders/${p} [${log.join(', ')}]`);
}
await server.close();
