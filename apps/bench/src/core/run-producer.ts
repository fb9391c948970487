import { createProducer, type Producer, type ProducerOptions, systemClock as realClock } from '@idem/core';
import { MemoryCluster } from '@idem/memory-broker';
import { percentile } from '../percentile.js';

export interface ProducerRunOptions {
  readonly partitions: number;
  readonly records: number;
  readonly valueBytes: number;
  readonly maxInFlight: number;
  /** Records handed to send() before waiting for their acks (bounds memory like an application would). */
  readonly window: number;
  /** Records per send() call: 1 is a send(record) each; more is send(array) with that many records. */
  readonly recordsPerSend: number;
  readonly producer?: Partial<ProducerOptions>;
}

export interface ProducerRunResult {
  readonly recordsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly latenciesMs: number[];
  readonly heapBytesPerPartition: number;
}

/**
 * Produces `records` records of `valueBytes` round-robin over the partitions of one topic, through the core
 * producer on an in-process memory broker (3 brokers, records not stored: offsets only), and times every
 * record from send() to its ack.
 */
export async function runCoreProducer(options: ProducerRunOptions): Promise<ProducerRunResult> {
  const cluster = new MemoryCluster({
    brokers: 3,
    clock: realClock,
    storeRecords: false,
    topics: { bench: { partitions: options.partitions } },
  });
  const producer: Producer = createProducer({
    transport: cluster.connect(),
    clock: realClock,
    clientId: 'idem-bench',
    maxInFlightRequestsPerConnection: options.maxInFlight,
    lingerMs: 0,
    ...options.producer,
  });
  const value = Buffer.alloc(options.valueBytes, 0x61);
  const latencies: number[] = [];
  const heapBefore = process.memoryUsage().heapUsed;
  // One record per partition first, so every partition's state exists before timing starts.
  await Promise.all(
    Array.from({ length: options.partitions }, (_, partition) =>
      producer.send({ topic: 'bench', partition, value }),
    ),
  );
  const heapBytesPerPartition = Math.max(0, process.memoryUsage().heapUsed - heapBefore) / options.partitions;

  const start = performance.now();
  const per = options.recordsPerSend;
  let sent = 0;
  while (sent < options.records) {
    const calls = Math.ceil(Math.min(options.window, options.records - sent) / per);
    const acks: Promise<void>[] = new Array(calls);
    for (let c = 0; c < calls; c++) {
      const partition = (sent / per + c) % options.partitions;
      const t0 = performance.now();
      const done = (): void => {
        latencies.push(performance.now() - t0);
      };
      if (per === 1) {
        acks[c] = producer.send({ topic: 'bench', partition, value }).then(done);
      } else {
        const records = Array.from({ length: per }, () => ({ topic: 'bench', partition, value }));
        acks[c] = producer.send(records).then(done);
      }
    }
    await Promise.all(acks);
    sent += calls * per;
  }
  const seconds = (performance.now() - start) / 1000;
  await producer.close();
  latencies.sort((a, b) => a - b);
  return {
    recordsPerSec: sent / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    latenciesMs: latencies,
    heapBytesPerPartition,
  };
}
