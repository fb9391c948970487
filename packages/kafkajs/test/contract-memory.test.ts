// The core's Producer contract for this adapter against the memory broker's TCP server: kafkajs's connections
// (handshake, ApiVersions, framing) talking to idem's in-memory Kafka over real sockets.
import { decodeRecordBatch } from '@idem/codec';
import { MemoryBrokerServer, realClock, silentLogger } from '@idem/memory-broker';
import { runProducerContract } from '../../core/test/contract/producer-contract.js';
import { idempotentProducer } from '../src/index.js';
import { kafkaOf } from './support/kafka-clients.js';

runProducerContract('idem-kafkajs on the memory broker TCP server', async ({ partitions, options }) => {
  const topic = 'contract';
  // Two brokers, so partitions have different leaders and the adapter opens a connection to each.
  const server = await MemoryBrokerServer.start({
    brokers: 2,
    clock: realClock,
    storeRecords: true,
    logger: silentLogger,
    topics: { [topic]: { partitions } },
  });
  let adapter: ReturnType<typeof idempotentProducer>;
  try {
    adapter = idempotentProducer(kafkaOf(server.bootstrapServers), { idem: options });
  } catch (error) {
    await server.close();
    throw error;
  }
  await adapter.connect();
  return {
    producer: adapter.producer,
    topic,
    readLog: async (partition) =>
      server.cluster.readLog(topic, partition).batches.flatMap((stored) => {
        if (stored.bytes === null) throw new Error('the cluster does not store records');
        const batch = decodeRecordBatch(stored.bytes);
        return batch.records.map((r) => ({
          offset: batch.baseOffset + BigInt(r.offsetDelta),
          key: r.key?.toString() ?? null,
          value: r.value?.toString() ?? null,
        }));
      }),
    settle: (promise) => promise,
    dispose: async () => {
      await adapter.disconnect();
      await server.close();
    },
  };
});
