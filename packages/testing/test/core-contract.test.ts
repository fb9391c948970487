// The core's own producer through the contract it publishes (here, not in packages/core: @idem/testing depends
// on @idem/core, so a test of core importing @idem/testing would make the two packages depend on each other).
import { createProducer } from '@idem/core';
import { MemoryCluster, readRecords } from '@idem/memory-broker';
import { SeededScheduler } from '@idem/testkit';
import { runProducerContract } from '../src/index.js';

runProducerContract('core producer on the memory broker', async ({ partitions, options }) => {
  const scheduler = new SeededScheduler(7);
  const topic = 'contract';
  const cluster = new MemoryCluster({
    brokers: 2,
    clock: scheduler.clock,
    random: scheduler.random.fork(),
    topics: { [topic]: { partitions } },
  });
  const producer = createProducer({
    ...options,
    transport: cluster.connect(),
    clock: scheduler.clock,
    random: scheduler.random.fork(),
  });
  const run = async (promise: Promise<unknown>) => {
    let done = false;
    promise.then(
      () => {
        done = true;
      },
      () => {
        done = true;
      },
    );
    const result = await scheduler.run(() => done, { maxTimeMs: 600_000 });
    if (!result.completed)
      throw new Error(`the producer did not settle (${result.deadlocked ? 'deadlock' : 'time limit'})`);
  };
  return {
    producer,
    topic,
    readLog: async (partition) => readRecords(cluster, topic, partition),
    settle: async <T>(promise: Promise<T>) => {
      await run(promise);
      return promise;
    },
    dispose: async () => {
      await run(producer.close());
    },
  };
});
