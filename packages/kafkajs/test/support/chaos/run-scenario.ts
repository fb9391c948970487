// Runs one chaos scenario for one client: a fresh topic and proxy, concurrent sends of many records, the topic read
// back from the broker directly, and the testkit's verdict.
import { startFaultProxy } from '@idem/fault-proxy';
import { uniqueTopic } from '@idem/kafka-tooling';
import { checkDelivery, type SentRecord, type Verdict } from '@idem/testkit';
import { createTopic, kafkaOf } from '../kafka-clients.js';
import { readTopic, toPartitionLogs } from '../read-topic.js';
import { type ClientName, createChaosClient, type MessageOutcome } from './clients.js';
import type { ChaosScenario } from './scenarios.js';

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
  readonly faults: Record<string, number>;
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
  const sent: { id: string; order: number; outcome: MessageOutcome | null }[] = [];
  const started = performance.now();
  let elapsedMs = 0;
  try {
    const kafka = kafkaOf(proxy.bootstrap, { requestTimeout: 10_000 });
    const producer = createChaosClient(client, kafka);
    await producer.connect();
    scenario.install(proxy, options.seed);

    const sends = Math.ceil(options.records / options.messagesPerSend);
    let next = 0;
    const pending = new Set<Promise<void>>();
    const worker = async (): Promise<void> => {
      while (next < sends && performance.now() - started < options.deadlineMs) {
        const s = next++;
        const partition = s % options.partitions;
        const entries = Array.from({ length: options.messagesPerSend }, (_, m) => {
          const entry = {
            id: `${s}-${m}`,
            order: s * options.messagesPerSend + m,
            outcome: null as MessageOutcome | null,
          };
          sent.push(entry);
          return entry;
        });
        const outcomes = await producer.send(
          topic,
          partition,
          entries.map((e) => e.id),
        );
        outcomes.forEach((outcome, i) => {
          (entries[i] as { outcome: MessageOutcome | null }).outcome = outcome;
        });
      }
    };
    const workers = Array.from({ length: options.concurrency }, () => {
      const p = worker();
      pending.add(p);
      return p;
    });
    // A client that never settles a send must not hang the suite: give up waiting at the deadline.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(workers),
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
          ? {
              status: 'acked',
              partition: Number(entry.id.split('-')[0]) % options.partitions,
              offset: entry.outcome.offset,
            }
          : {
              status: 'failed',
              code: entry.outcome.code,
              possiblyPersisted: entry.outcome.possiblyPersisted,
              typed: entry.outcome.typed,
            },
  }));
  const faults: Record<string, number> = {};
  for (const kind of ['ackLost', 'cut', 'delay', 'blackhole'] as const) faults[kind] = proxy.count(kind);
  return {
    client,
    scenario: scenario.name,
    verdict: checkDelivery(records, logs),
    sent: records.length,
    elapsedMs,
    faults,
  };
}
