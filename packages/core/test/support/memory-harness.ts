import { batchHeaderOf } from '@idem/codec';
import {
  type ConnectOptions,
  MemoryCluster,
  type MemoryClusterOptions,
  readRecords,
} from '@idem/memory-broker';
import { SeededScheduler } from '@idem/testkit';
import { ProducerEngine, type ProducerEngineOptions } from '../../src/engine/producer-engine.js';
import type { Transport } from '../../src/ports/transport.js';
import { type Driven, drive } from './harness.js';

/** One batch of a Produce request as the client sent it. */
export interface SentBatch {
  topic: string;
  partition: number;
  producerId: bigint;
  epoch: number;
  baseSequence: number;
  count: number;
}

/** Wraps a transport to record every Produce request's batches (identity fields from the batch header). */
export function recording(transport: Transport, log: { node: number; batches: SentBatch[] }[]): Transport {
  return {
    metadata: (topics) => transport.metadata(topics),
    initProducerId: (request) => transport.initProducerId(request),
    ...(transport.initProducerIdOn === undefined
      ? {}
      : { initProducerIdOn: (node: number, request) => transport.initProducerIdOn!(node, request) }),
    produce: (node, request) => {
      const batches = request.topicData.flatMap((t) =>
        t.partitionData.map((p) => {
          const header = batchHeaderOf(p.records!);
          return {
            topic: t.name,
            partition: p.index,
            producerId: header.producerId,
            epoch: header.producerEpoch,
            baseSequence: header.baseSequence,
            count: header.recordCount,
          };
        }),
      );
      log.push({ node, batches });
      return transport.produce(node, request);
    },
    disconnect: (node) => transport.disconnect(node),
    close: () => transport.close(),
  };
}

export interface MemoryHarness extends Driven {
  scheduler: SeededScheduler;
  cluster: MemoryCluster;
  producer: ProducerEngine;
  /** Every Produce request the producer sent. */
  requests: { node: number; batches: SentBatch[] }[];
  /** Every batch the producer sent, in order. */
  sent(): SentBatch[];
  values(topic: string, partition: number): (string | null)[];
}

/** A producer on the in-process memory broker, both on one seeded virtual clock. */
export function createMemoryHarness(
  cluster: Omit<MemoryClusterOptions, 'clock' | 'random'>,
  options: Omit<ProducerEngineOptions, 'transport' | 'clock'> = {},
  seed = 1,
  connect: ConnectOptions = {},
): MemoryHarness {
  const scheduler = new SeededScheduler(seed);
  const memory = new MemoryCluster({ ...cluster, clock: scheduler.clock, random: scheduler.random.fork() });
  const requests: { node: number; batches: SentBatch[] }[] = [];
  const producer = new ProducerEngine({
    transport: recording(memory.connect(connect), requests),
    clock: scheduler.clock,
    random: scheduler.random.fork(),
    ...options,
  });
  return {
    scheduler,
    cluster: memory,
    producer,
    ...drive(scheduler, producer),
    requests,
    sent: () => requests.flatMap((r) => r.batches),
    values: (topic, partition) => readRecords(memory, topic, partition).map((r) => r.value),
  };
}
