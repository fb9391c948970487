import { createProducer, type RecordMetadata, systemClock as realClock } from '@idem/core';
import { MemoryCluster } from '@idem/memory-broker';
import { checkDelivery, type SentRecord, type Verdict } from '@idem/testkit';
import { readMemoryLog } from '../chaos/read-log.js';

export interface FaultDemoOptions {
  readonly idempotent: boolean;
  readonly records: number;
  readonly partitions: number;
  readonly seed: number;
  /** Probability per Produce request of each fault the schedule draws. */
  readonly ackLost: number;
  readonly errorAfterAppend: number;
  readonly reset: number;
}

/**
 * One producer sends `records` records to the in-process memory broker while a seeded schedule loses acks,
 * resets connections and answers errors after appending. Then the log is read back and the one checker of
 * the project (@idem/testkit) counts duplicates, losses and reorders.
 */
export async function runFaultDemo(options: FaultDemoOptions): Promise<Verdict> {
  const cluster = new MemoryCluster({
    brokers: 3,
    clock: realClock,
    seed: options.seed,
    topics: { demo: { partitions: options.partitions } },
  });
  cluster.faults.randomSchedule({
    apis: ['Produce'],
    probabilities: {
      ackLost: options.ackLost,
      errorAfterAppend: options.errorAfterAppend,
      reset: options.reset,
    },
  });
  const producer = createProducer({
    transport: cluster.connect(),
    clock: realClock,
    clientId: options.idempotent ? 'idem-demo' : 'no-idempotence-demo',
    idempotent: options.idempotent,
    ...(options.idempotent ? {} : { maxInFlightRequestsPerConnection: 5, retries: 2_147_483_647 }),
    lingerMs: 1,
    // Small batches: many requests, so the schedule's per-request faults hit often enough to show.
    batchSize: 2_048,
    requestTimeoutMs: 2_000,
    retryBackoffMs: 5,
  });
  const outcomes = await Promise.allSettled(
    Array.from({ length: options.records }, (_, i) =>
      producer.send({ topic: 'demo', key: `k${i % 97}`, value: `r${i}` }),
    ),
  );
  await producer.close();
  const sent: SentRecord[] = outcomes.map((o, i) => ({
    id: `r${i}`,
    producer: 'p',
    topic: 'demo',
    order: i,
    outcome:
      o.status === 'fulfilled'
        ? {
            status: 'acked',
            partition: (o.value as RecordMetadata).partition,
            offset: (o.value as RecordMetadata).offset,
          }
        : {
            status: 'failed',
            code: (o.reason as { code?: string }).code ?? null,
            possiblyPersisted: (o.reason as { possiblyPersisted?: boolean }).possiblyPersisted === true,
            typed: typeof (o.reason as { code?: unknown }).code === 'string',
          },
  }));
  return checkDelivery(sent, readMemoryLog(cluster, 'demo', options.partitions));
}
