// Runs one failover scenario for one client on the cluster: a fresh 6-partition RF 3 topic, paced concurrent sends
// on every partition while the scenario's script hurts real nodes, then the cluster restored (stopped nodes
// restarted, replicas back in sync), the topic read back and judged by the testkit checker, and the stalls measured.
import { ApiKey, type FaultProxy, startFaultProxy } from '@idem/fault-proxy';
import type { KafkaCluster } from '@idem/kafka-tooling';
import { uniqueTopic } from '@idem/kafka-tooling';
import { checkDelivery, type SentRecord, type Verdict } from '@idem/testkit';
import { type ClientName, confluentUnavailable, createChaosClient } from '../support/chaos/clients.js';
import { recordingSend, type SentEntry } from '../support/chaos/workload.js';
import { createTopic, kafkaOf } from '../support/kafka-clients.js';
import { readTopic, toPartitionLogs } from '../support/read-topic.js';
import type { FailoverScenario, FaultEvent } from './fault-script.js';
import { startLeaderWatch } from './leader-watch.js';
import { type FailoverClient, librdkafkaClient } from './librdkafka-client.js';
import type { FailoverSettings } from './settings.js';
import { type Ack, longestPerPartition, measureStalls, type PartitionStall } from './stalls.js';

export type FailoverClientName = ClientName | 'librdkafka';
export const FAILOVER_CLIENTS: readonly FailoverClientName[] = [
  'idem-kafkajs',
  'kafkajs-idempotent',
  'kafkajs',
  'librdkafka',
  // Measured, not pass/fail: librdkafka's idempotent producer behind idem's Producer (@idem/confluent).
  'idem-confluent',
];

export interface FailoverResult {
  readonly client: FailoverClientName;
  readonly scenario: string;
  readonly verdict: Verdict;
  readonly events: readonly FaultEvent[];
  /** The longest stall of every partition a fault took the leader from. */
  readonly stalls: readonly PartitionStall[];
  readonly elapsedMs: number;
  /** With `viaProxy`: Produce requests the fault proxy forwarded to each node (a client that bypassed it after
   * bootstrap would leave a leader's count at 0). */
  readonly proxiedProduce?: Readonly<Record<number, number>>;
}

export interface FailoverRunOptions {
  /** Run the client through the fault proxy in front of every node (issue 10), not straight to the cluster. */
  readonly viaProxy?: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

function clientFor(name: FailoverClientName, bootstrap: string): FailoverClient | string {
  if (name === 'librdkafka') return librdkafkaClient(bootstrap);
  if (name === 'idem-confluent') {
    const why = confluentUnavailable();
    if (why !== null) return `idem-confluent cannot run: ${why}`;
  }
  return createChaosClient(name, kafkaOf(bootstrap, { requestTimeout: 10_000 }), bootstrap);
}

export async function runFailover(
  name: FailoverClientName,
  scenario: FailoverScenario,
  cluster: KafkaCluster,
  settings: FailoverSettings,
  options: FailoverRunOptions = {},
): Promise<FailoverResult> {
  const direct = kafkaOf(cluster.bootstrap);
  const topic = uniqueTopic(`failover-${name}-${scenario.name}${options.viaProxy ? '-proxy' : ''}`);
  await createTopic(direct, topic, settings.partitions); // the cluster's default RF 3, min ISR 2
  const watch = await startLeaderWatch(direct, topic);
  // The proxy bootstraps through any node of the list and rewrites every address the brokers advertise.
  const proxy: FaultProxy | null = options.viaProxy
    ? await startFaultProxy({ upstream: cluster.bootstrap, maxLifetimeMs: 30 * 60_000 })
    : null;
  const client = clientFor(name, proxy === null ? cluster.bootstrap : proxy.bootstrap);
  if (typeof client === 'string') {
    await proxy?.close();
    throw new Error(client);
  }
  const sent: SentEntry[] = [];
  const acks: Ack[] = [];
  const events: FaultEvent[] = [];
  let endedAt = 0;
  try {
    await client.connect();
    const send = recordingSend(client as Parameters<typeof recordingSend>[0], topic, sent);
    const started = performance.now();
    const plannedMs = settings.warmupMs + scenario.plannedMs(settings) + settings.tailMs;
    const perPartition = Math.ceil(settings.records / settings.partitions / settings.messagesPerSend);
    const perWorker = Math.ceil(perPartition / settings.workersPerPartition);
    // Paced: send k of a worker starts no earlier than its slot, so sends cover the whole run, faults included.
    const slotMs = plannedMs / perWorker;
    let faultsDone = false;
    const worker = async (partition: number, w: number): Promise<void> => {
      for (let k = 0; k < perWorker; k++) {
        const s = k * settings.workersPerPartition + w;
        if (s >= perPartition) return;
        await sleep(started + k * slotMs - performance.now());
        const ids = Array.from({ length: settings.messagesPerSend }, (_, m) => `${partition}-${s}-${m}`);
        const outcomes = await send(partition, ids);
        if (outcomes.some((o) => o.ok)) acks.push({ partition, at: performance.now() });
      }
    };
    const workers = Array.from({ length: settings.partitions * settings.workersPerPartition }, (_, i) =>
      worker(i % settings.partitions, Math.floor(i / settings.partitions)),
    );
    const script = (async () => {
      await sleep(settings.warmupMs);
      await scenario.run({
        cluster,
        topic,
        watch,
        settings,
        sleep,
        fault(kind, node) {
          const event: FaultEvent = {
            kind,
            node,
            at: performance.now(),
            affected: [...watch.current().leaders].filter(([, l]) => l === node).map(([p]) => p),
            backAt: null,
          };
          events.push(event);
          process.stderr.write(
            `[failover] ${name}/${scenario.name}: ${kind} node ${node} at +${Math.round(event.at - started)} ms, ` +
              `leader of partitions ${event.affected.join(',')}\n`,
          );
          return event;
        },
      });
      faultsDone = true;
    })();
    // Every wait bounded: the sends get the plan plus the settle budget, then pending ones count as unsettled.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([script, ...workers]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, plannedMs + settings.settleMs + 30_000);
      }),
    ]);
    clearTimeout(timer);
    await script; // a failing fault control fails the run (bounded by its own timeouts)
    if (!faultsDone) throw new Error('the fault script did not finish');
    endedAt = performance.now();
    await Promise.race([client.disconnect(), sleep(5_000)]);
    // Restore before reading back and before the next scenario: every node up, every replica in sync.
    const restarted = await cluster.restartStopped();
    if (!(await watch.untilIsrFull(90_000)))
      throw new Error(`${topic}: replicas not back in sync after 90 s`);
    if (restarted.length > 0)
      process.stderr.write(`[failover] restored: restarted node(s) ${restarted.join(',')}\n`);
    const elapsedMs = endedAt - started;
    const logs = toPartitionLogs(topic, await readTopic(direct, topic));
    const records: SentRecord[] = sent.map((entry) => ({
      id: entry.id,
      producer: name,
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
    const proxiedProduce: Record<number, number> = {};
    for (const node of proxy?.nodes() ?? [])
      if (typeof node.nodeId === 'number')
        proxiedProduce[node.nodeId] = proxy!.requestsForwarded({
          nodeId: node.nodeId,
          apiKey: ApiKey.Produce,
        });
    return {
      client: name,
      scenario: scenario.name,
      verdict: checkDelivery(records, logs),
      events,
      stalls: longestPerPartition(measureStalls(events, watch, acks, endedAt)),
      elapsedMs,
      ...(proxy === null ? {} : { proxiedProduce }),
    };
  } finally {
    await watch.stop();
    await proxy?.close();
  }
}
