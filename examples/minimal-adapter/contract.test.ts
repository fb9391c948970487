// The Producer contract of @idem/testing, run against this adapter: the core's producer over TcpTransport, on the
// memory broker's TCP server (two brokers, so the partitions have different leaders and produce() opens a connection
// to each). This is the test that proves the example; a copy of the adapter keeps it to prove the copy.
//   pnpm exec vitest run --project unit examples/minimal-adapter/contract.test.ts
import { createProducer } from '@idem/core';
import { runProducerContract, startMemoryBroker } from '@idem/testing';
import { TcpTransport } from './tcp-transport.ts';

runProducerContract('minimal-adapter', async ({ partitions, options }) => {
  const topic = 'contract';
  const broker = await startMemoryBroker({ topics: { [topic]: { partitions } } });
  try {
    const producer = createProducer({
      ...options,
      transport: new TcpTransport(broker.bootstrapServers.split(',')[0]!),
    });
    return {
      producer,
      topic,
      readLog: async (partition) => broker.readLog(topic, partition),
      settle: (promise) => promise,
      dispose: async () => {
        await producer.close().catch(() => undefined);
        await broker.stop();
      },
    };
  } catch (error) {
    await broker.stop(); // a ConfigError from createProducer
    throw error;
  }
});
