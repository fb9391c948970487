// Runs one chaos scenario for one client: a fresh topic and proxy, the scenario's workload (by default concurrent
// sends of many records), the topic read back from the broker directly, and the testkit's verdict.
import { startFaultProxy } from '@idem/fault-proxy';
import { uniqueTopic } from '@idem/kafka-tooling';
import { checkDelivery, type PartitionLog, type SentRecord, type Verdict } from '@idem/testkit';
import { createTopic, kafkaOf } from '../kafka-clients.js';
import { readTopic, toPartitionLogs } from '../read-topic.js';
import { type ClientName, createChaosClient } from './clients.js';
import type { ChaosScenario } from './scenarios.js';
import { concurrentSends, recordingSend, type SentEntry } from './workload.js';

export interface ChaosRunOptions {
  readonly bootstrap: string;
  readonly seed: number;
  readonly records: number;
  readonly partitions: number;
  readonly messagesPerSend: number;
  /** `send` calls outstanding at once. */
  readonly concurrency: number;
  /** No new sends after this long; sends still pending at the end count as unsettled. */
  readonly deadlineMs: number;
}

export interface ChaosRunResult {
  readonly client: ClientName;
  readonly scenario: string;
  readonly verdict: Verdict;
  readonly sent: number;
  readonly elapsedMs: number;
  /** The proxy's fault counts, and those the workload injected itself (e.g. a topic config changed mid-run). */
  readonly faults: Record<string, number>;
  /** What the broker holds, per partition, as the checker saw it. */
  readonly logs: readonly PartitionLog[];
}

export async function runScenario(
  client: ClientName,
  scenario: ChaosScenario,
  options: ChaosRunOptions,
): Promise<ChaosRunResult> {
  const direct = kafkaOf(options.bootstrap);
  const topic = uniqueTopic(`chaos-${client}-${scenario.name}`);
  await createTopic(direct, topic, options.partitions);
  const proxy = await startFaultProxy({
    upstream: options.bootstrap,
    seed: options.seed,
    maxLifetimeMs: 170_000,
  });
  const sent: SentEntry[] = [];
  const faults: Record<string, number> = {};
  const started = performance.now();
  let elapsedMs = 0;
  try {
    const kafka = kafkaOf(proxy.bootstrap, { requestTimeout: 10_000 });
    const producer = createChaosClient(client, kafka, proxy.bootstrap);
    await producer.connect();
    scenario.install(proxy, options.seed);
    const workload = (scenario.workload ?? concurrentSends)({
      producer,
      proxy,
      direct,
      topic,
      options,
      started,
      send: recordingSend(producer, topic, sent),
      countFault: (kind) => {
        faults[kind] = (faults[kind] ?? 0) + 1;
      },
    });
    // A client that never settles a send must not hang the suite: give up waiting at the deadline.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      workload,
      new Promise((resolve) => {
        timer = setTimeout(resolve, options.deadlineMs + 15_000);
      }),
    ]);
    clearTimeout(timer);
    elapsedMs = performance.now() - started;
    await Promise.race([producer.disconnect(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
  } finally {
    await proxy.close();
  }
  const logs = toPartitionLogs(topic, await readTopic(direct, topic));
  const records: SentRecord[] = sent.map((entry) => ({
    id: entry.id,
    producer: client,
    topic,
    order: entry.order,
    outcome:
      entry.outcome === null
        ? { status: 'pending' }
        : entry.outcome.ok
          ? { status: 'acked', partition: entry.partition, offset: entry.outcome.offset }
          : {
              status: 'failed',
              code: entry.outcome.code,
              possiblyPersisted: entry.outcome.possiblyPersisted,
              typed: entry.outcome.typed,
            },
  }));
  for (const kind of ['ackLost', 'cut', 'delay', 'blackhole'] as const) faults[kind] = proxy.count(kind);
  return {
    client,
    scenario: scenario.name,
    verdict: checkDelivery(records, logs),
    sent: records.length,
    elapsedMs,
    faults,
    logs,
  };
}
