// The core's own producer through the contract it publishes (here, not in packages/core: @idem/testing depends
// on @idem/core, so a test of core importing @idem/testing would make the two packages depend on each other).
import { decodeRecordBatch } from '@idem/codec';
import { createProducer } from '@idem/core';
import { MemoryCluster } from '@idem/memory-broker';
import { SeededScheduler } from '@idem/testkit';
import { runProducerContract } from '../src/index.js';

/** What the cluster stored in one partition, decoded: offset, key, value, and the batch's producer identity. */
function readRecords(cluster: MemoryCluster, topic: string, partition: number) {
  const out: {
    offset: bigint;
    key: string | null;
    value: string | null;
    producerId: bigint;
    epoch: number;
    sequence: number;
  }[] = [];
  for (const stored of cluster.readLog(topic, partition).batches) {
    if (stored.bytes === null) throw new Error('the cluster was created without storeRecords');
    const batch = decodeRecordBatch(stored.bytes);
    batch.records.forEach((record, i) => {
      out.push({
        offset: batch.baseOffset + BigInt(record.offsetDelta),
        key: record.key?.toString('utf8') ?? null,
        value: record.value?.toString('utf8') ?? null,
        producerId: batch.producerId,
        epoch: batch.producerEpoch,
        sequence: batch.baseSequence < 0 ? -1 : (batch.baseSequence + i) % 2 ** 31,
      });
    });
  }
  return out;
}

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
    readLog: async (partition) =>
      readRecords(cluster, topic, partition).map((r) => ({ offset: r.offset, key: r.key, value: r.value })),
    settle: async <T>(promise: Promise<T>) => {
      await run(promise);
      return promise;
    },
    dispose: async () => {
      await run(producer.close());
    },
  };
});
