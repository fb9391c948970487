// The core's Producer contract for this adapter against the memory broker's TCP server: kafkajs's connections
// (handshake, ApiVersions, framing) talking to idem's in-memory Kafka over real sockets.
import { runProducerContract, startMemoryBroker } from '@idem/testing';
import { idempotentProducer } from '../src/index.js';
import { kafkaOf } from './support/kafka-clients.js';

runProducerContract('idem-kafkajs on the memory broker TCP server', async ({ partitions, options }) => {
  const topic = 'contract';
  // Two brokers (the harness's default), so partitions have different leaders and the adapter opens a connection
  // to each.
  const broker = await startMemoryBroker({ topics: { [topic]: { partitions } } });
  let adapter: ReturnType<typeof idempotentProducer>;
  try {
    adapter = idempotentProducer(kafkaOf(broker.bootstrapServers), { idem: options });
  } catch (error) {
    await broker.stop();
    throw error;
  }
  await adapter.connect();
  return {
    producer: adapter.producer,
    topic,
    readLog: async (partition) => broker.readLog(topic, partition),
    settle: (promise) => promise,
    dispose: async () => {
      await adapter.disconnect();
      await broker.stop();
    },
  };
});
