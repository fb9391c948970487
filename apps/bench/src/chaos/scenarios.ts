// The fault scenarios of the chaos matrix. Each has a script for the memory broker (its fault controls, see
// packages/memory-broker/src/faults/faults.ts) and, where a real broker can be hurt the same way from outside, one
// for a real broker behind the fault proxy (tooling/fault-proxy). Scenarios a real broker cannot express carry the
// reason instead, and their cells are n/a. On a 3-node cluster (`--broker cluster`) a scenario runs its `cluster`
// script when it has one (the leader really killed or moved), else its `kafka` script through the proxy in front of
// every node.
import type { FaultProxy } from '@idem/fault-proxy';
import type { MemoryCluster } from '@idem/memory-broker';
import type { Kafka } from 'kafkajs';
import { REQUEST_TIMEOUT_MS } from './clients.js';
import { awaitNewLeader, type FaultStep, timed } from './fault-steps.js';
import { activeProducerIds, setBrokerConfig } from './raw-request.js';

export interface ScenarioContext {
  readonly topic: string;
  /** One send call of `values` to partition 0; resolves when all of them settled. */
  send(values: readonly string[]): Promise<void>;
  /** From now on sends still pending count as unsettled, whatever they do later. */
  freeze(): void;
  /** The clients' delivery timeout in this cell, and how long after it the sends must have settled. */
  readonly deliveryTimeoutMs: number;
  readonly graceMs: number;
}

export interface MemoryContext extends ScenarioContext {
  readonly cluster: MemoryCluster;
}

export interface KafkaContext extends ScenarioContext {
  readonly proxy: FaultProxy;
  /** A client straight to the broker, not through the proxy (admin changes). */
  readonly direct: Kafka;
}

/** What a scenario may do to the nodes of a real cluster (tooling/kafka's KafkaCluster underneath). */
export interface ClusterNodes {
  readonly nodeIds: readonly number[];
  /** The node leading partition 0 of `topic` now, asked straight from the brokers. */
  leaderOf(topic: string): Promise<number>;
  /** kill -9 of the node's process: no controlled shutdown. Resolves once the process is gone. */
  kill(node: number): Promise<void>;
  /** Starts a killed node again on its data; resolves once it answers Metadata. */
  restart(node: number): Promise<void>;
  /** Moves leadership of partition 0 of `topic` to `node` (reassignment + preferred election). */
  moveLeader(topic: string, node: number): Promise<void>;
}

/** A cluster cell's context: the proxy in front of every node, and the nodes themselves. */
export interface ClusterContext extends KafkaContext {
  readonly nodes: ClusterNodes;
  /** Notes a step of the fault and how long it took: the cell's row carries them (faultSteps). */
  recordStep(step: FaultStep): void;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Whether the clients get the short delivery timeout here (SHORT_DELIVERY_TIMEOUT_MS; quick: QUICK_...). */
  readonly shortDeliveryTimeout?: boolean;
  /** Runs the workload with the fault armed on the memory broker; returns when every send settled. */
  memory(context: MemoryContext): Promise<void>;
  /** The same on a real broker through the fault proxy, or why it cannot be done there. */
  readonly kafka: ((context: KafkaContext) => Promise<void>) | { readonly na: string };
  /** On a 3-node cluster, when the node controls make the scenario real there; without it `kafka` runs. */
  readonly cluster?: ((context: ClusterContext) => Promise<void>) | { readonly na: string };
  /**
   * On the cluster a node fails over: a kill -9 is noticed after broker.session.timeout.ms (9 s), a move runs a
   * JVM. The clients get FAILOVER_DELIVERY_TIMEOUT_MS and the cell FAILOVER_CELL_LIMIT_MS there.
   */
  readonly failover?: boolean;
  /**
   * Its faults touch only the cell's own topic (no broker restart, no reset of every connection): on the memory
   * broker this many of the clients' cells of this scenario run at the same time (default 1, one after another).
   */
  readonly concurrentCells?: number;
}

const PRODUCE = 0;
/** kafkajs's ConfigResourceTypes.TOPIC (kafkajs is CommonJS: the named export does not survive ESM import). */
const TOPIC_RESOURCE = 2;
/** MESSAGE_TOO_LARGE: Kafka checks it before its duplicate check. */
const MESSAGE_TOO_LARGE = 10;
export const DEFAULT_DELIVERY_TIMEOUT_MS = 10_000;
export const SHORT_DELIVERY_TIMEOUT_MS = 2_500;
export const QUICK_DELIVERY_TIMEOUT_MS = 1_200;
/** How long after the delivery timeout the sends must have settled (quick: QUICK_GRACE_MS). */
export const GRACE_MS = 1_500;
// librdkafka checks message timeouts once a second: a shorter grace would time out its sends as unsettled.
export const QUICK_GRACE_MS = 1_500;

/** The clients' delivery timeout in a failover cell on the cluster: past the 9 s a dead leader takes to be fenced. */
export const FAILOVER_DELIVERY_TIMEOUT_MS = 30_000;
/** The bound of a failover cell on the cluster: the failover, a JVM restart (~8-20 s on 2 cores) and the sends. */
export const FAILOVER_CELL_LIMIT_MS = 150_000;

/** How long a cluster scenario watches the metadata for another leader: past a dead leader's 9 s fencing, with room. */
const LEADER_WATCH_MS = 60_000;

/** How many cells of a scenario whose faults touch only its topic run at once on the memory broker (2 cores). */
const TOPIC_SCOPED_CONCURRENCY = 4;

const PRODUCER_ID_EXPIRATION = 'producer.id.expiration.ms';
/** How long the broker gets to drop an idle producer once its expiration is 1 s (its check runs every second). */
const STATE_EXPIRY_LIMIT_MS = 10_000;

/** Partition 0's leader of `topic`: node id and address, asked straight from the broker. */
async function leaderAddress(kafka: Kafka, topic: string): Promise<{ nodeId: number; address: string }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const nodeId = metadata.topics[0]?.partitions.find((p) => p.partitionId === 0)?.leader;
    const broker = (await admin.describeCluster()).brokers.find((b) => b.nodeId === nodeId);
    if (nodeId === undefined || broker === undefined) throw new Error(`${topic}-0 has no leader`);
    return { nodeId, address: `${broker.host}:${broker.port}` };
  } finally {
    await admin.disconnect();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/** Two concurrent sends of ten records: the stock workload of the one-fault scenarios. */
const twoSends = (send: ScenarioContext['send']) => Promise.all([send(ids('a', 10)), send(ids('b', 10))]);

async function waitFor(condition: () => boolean, limitMs: number): Promise<boolean> {
  const until = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() >= until) return false;
    await sleep(5);
  }
  return true;
}

async function setMaxMessageBytes(kafka: Kafka, topic: string, bytes: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: TOPIC_RESOURCE,
          name: topic,
          configEntries: [{ name: 'max.message.bytes', value: String(bytes) }],
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'ack-lost',
    concurrentCells: TOPIC_SCOPED_CONCURRENCY,
    description: 'the broker appends a batch, then the response is lost and the connection reset',
    async memory({ cluster, topic, send }) {
      cluster.faults.loseResponse({ api: 'Produce', topic }, { count: 1 });
      await twoSends(send);
    },
    async kafka({ proxy, send }) {
      proxy.addFault({ kind: 'ackLost', apiKeys: [PRODUCE], count: 1 });
      await twoSends(send);
    },
  },
  {
    name: 'request-lost',
    concurrentCells: TOPIC_SCOPED_CONCURRENCY,
    description: 'a Produce request never reaches the broker; the connection is reset',
    async memory({ cluster, topic, send }) {
      cluster.faults.loseRequest({ api: 'Produce', topic }, { count: 1 });
      await twoSends(send);
    },
    async kafka({ proxy, send }) {
      proxy.addFault({ kind: 'cut', apiKeys: [PRODUCE], count: 1 });
      await twoSends(send);
    },
  },
  {
    name: 'reset-in-flight',
    description: 'the connection is reset while five requests are in flight (appended, answers delayed)',
    async memory({ cluster, topic, send }) {
      cluster.faults.delayResponses({ api: 'Produce', topic }, { ms: 200, count: 5 });
      const all = Promise.all(Array.from({ length: 5 }, (_, i) => send(ids(`r${i}`, 4))));
      await sleep(60);
      cluster.faults.resetConnections();
      await all;
    },
    async kafka({ proxy, send }) {
      proxy.addFault({ kind: 'delay', apiKeys: [PRODUCE], delayMs: 200, count: 5 });
      const all = Promise.all(Array.from({ length: 5 }, (_, i) => send(ids(`r${i}`, 4))));
      await sleep(60);
      proxy.cutConnections();
      await all;
    },
  },
  {
    name: 'leader-moved',
    description:
      'the partition leader moves to another broker while requests are in flight (producer state moves with it), then an ack is lost',
    async memory({ cluster, topic, send }) {
      cluster.faults.delayResponses({ api: 'Produce', topic }, { ms: 50, count: 3 });
      const first = Promise.all([send(ids('a', 10)), send(ids('b', 10))]);
      await sleep(20);
      cluster.faults.moveLeader(topic, 0);
      cluster.faults.loseResponse({ api: 'Produce', topic }, { count: 1 });
      await Promise.all([first, send(ids('c', 10))]);
    },
    kafka: { na: 'one real broker has no other leader to move to (--broker cluster moves it for real)' },
    failover: true,
    async cluster({ nodes, proxy, topic, send, recordStep }) {
      // Sends keep going (each answered 100 ms late, so some are in flight) while the move runs; then an ack is lost.
      const from = await nodes.leaderOf(topic);
      const to = nodes.nodeIds.find((id) => id !== from) as number;
      proxy.addFault({ kind: 'delay', apiKeys: [PRODUCE], delayMs: 100, count: Number.POSITIVE_INFINITY });
      let moved = false;
      const moveStarted = performance.now();
      const move = timed(() => nodes.moveLeader(topic, to)).finally(() => {
        moved = true;
      });
      const sends: Promise<void>[] = [];
      for (let i = 0; i < 200 && !moved; i++) {
        sends.push(send(ids(`m${i}`, 5)));
        await sleep(50);
      }
      recordStep({ step: 'leader-moved', node: to, ms: await move });
      const seen = await awaitNewLeader(() => nodes.leaderOf(topic), from, moveStarted, LEADER_WATCH_MS);
      if (seen !== null) recordStep({ step: 'new-leader-visible', ...seen });
      await Promise.all(sends);
      proxy.clearFaults();
      proxy.addFault({ kind: 'ackLost', apiKeys: [PRODUCE], count: 1 });
      await send(ids('c', 10));
    },
  },
  {
    name: 'leader-killed',
    description:
      'the partition leader dies (kill -9, no controlled shutdown) with requests in flight; another replica takes over, sends go on, the node is restarted',
    async memory({ cluster, topic, send }) {
      // The memory broker's stopBroker: connections reset, new ones refused, leadership moved after 150 ms.
      cluster.faults.delayResponses({ api: 'Produce', topic }, { ms: 100, count: 2 });
      const first = twoSends(send);
      await sleep(30);
      const victim = cluster.leaderOf(topic, 0);
      const killedAt = Date.now();
      cluster.faults.stopBroker(victim, { downMs: 400, failoverAfterMs: 150 });
      await Promise.all([first, send(ids('c', 10))]);
      await sleep(Math.max(0, killedAt + 450 - Date.now()));
      await send(ids('d', 10));
    },
    kafka: {
      na: 'one real broker: killing it leaves no replica to take over (--broker cluster kills the leader of a 3-node cluster)',
    },
    failover: true,
    async cluster({ nodes, proxy, topic, send, recordStep }) {
      const victim = await nodes.leaderOf(topic);
      // The first answers are held, so requests are in flight when the leader dies.
      proxy.addFault({ kind: 'delay', apiKeys: [PRODUCE], delayMs: 300, count: 2 });
      const first = twoSends(send);
      await sleep(100);
      const killedAt = performance.now();
      recordStep({ step: 'killed', node: victim, ms: await timed(() => nodes.kill(victim)) });
      // Watched beside the sends; the node is restarted only once another one leads (or the watch gave up).
      const takeover = awaitNewLeader(() => nodes.leaderOf(topic), victim, killedAt, LEADER_WATCH_MS);
      await Promise.all([first, send(ids('c', 10))]);
      const seen = await takeover;
      if (seen !== null) recordStep({ step: 'new-leader-visible', ...seen });
      recordStep({ step: 'restarted', node: victim, ms: await timed(() => nodes.restart(victim)) });
      await send(ids('d', 10));
    },
  },
  {
    name: 'producer-state-lost',
    description:
      'the broker loses its producer state (memory broker: a restart without it; Kafka: producer.id.expiration.ms lowered to 1 s until the idle producer is dropped), then an ack is lost',
    async memory({ cluster, topic, send }) {
      cluster.faults.restartBroker(cluster.leaderOf(topic, 0), { producerState: 'lost' });
      cluster.faults.loseResponse({ api: 'Produce', topic }, { count: 1 });
      await send(ids('a', 10));
      await send(ids('b', 10));
    },
    // Kafka forgets an idle producer after producer.id.expiration.ms (a dynamic broker config): lowered to 1 s on the
    // partition's leader until DescribeProducers shows the state gone, then restored, then an ack is lost.
    async kafka({ proxy, direct, topic, send }) {
      await send(ids('a', 10));
      const leader = await leaderAddress(direct, topic);
      await setBrokerConfig(leader.address, leader.nodeId, PRODUCER_ID_EXPIRATION, '1000');
      try {
        const until = Date.now() + STATE_EXPIRY_LIMIT_MS;
        while ((await activeProducerIds(leader.address, topic, 0)).length > 0) {
          if (Date.now() >= until)
            throw new Error(
              `broker ${leader.nodeId} kept the producer state ${STATE_EXPIRY_LIMIT_MS / 1000} s past ` +
                `${PRODUCER_ID_EXPIRATION}=1000: start it with producer.id.expiration.check.interval.ms=1000 ` +
                '(tooling/kafka does)',
            );
          await sleep(250);
        }
      } finally {
        // Restored before the next send, so that the retry below finds the state the first attempt made.
        await setBrokerConfig(leader.address, leader.nodeId, PRODUCER_ID_EXPIRATION, null);
      }
      proxy.addFault({ kind: 'ackLost', apiKeys: [PRODUCE], count: 1 });
      await send(ids('b', 10));
    },
  },
  {
    name: 'config-changed-retry',
    concurrentCells: TOPIC_SCOPED_CONCURRENCY,
    description:
      'an ack is lost, then the retry is refused with MESSAGE_TOO_LARGE (max.message.bytes lowered during the retry backoff), which Kafka checks before its duplicate check; a batch follows behind',
    async memory({ cluster, topic, send }) {
      cluster.faults.refuseRetry({ api: 'Produce', topic }, MESSAGE_TOO_LARGE, { count: 1 });
      const a = send(ids('A', 10));
      await sleep(5);
      await Promise.all([a, send(ids('B', 1))]);
    },
    async kafka({ proxy, direct, topic, send }) {
      // A's response is held past the request timeout (A is in the log), B follows, then max.message.bytes is
      // lowered below A's batch so A's retry gets MESSAGE_TOO_LARGE (as packages/kafkajs/test/support/chaos).
      proxy.addFault({ kind: 'delay', apiKeys: [PRODUCE], delayMs: REQUEST_TIMEOUT_MS + 1_000, count: 1 });
      const a = send(ids('A', 200));
      await waitFor(() => proxy.count('delay') >= 1, 3_000);
      const b = send(ids('B', 1));
      await setMaxMessageBytes(direct, topic, 1_024);
      const beforeRetry = proxy.requestsForwarded({ apiKey: PRODUCE });
      await Promise.all([a, b]);
      // Settling without a Produce after the change: A's fate was decided before it, and a clean cell proves nothing.
      if (proxy.requestsForwarded({ apiKey: PRODUCE }) === beforeRetry)
        throw new Error(
          'no Produce reached the broker after max.message.bytes was lowered: A was never retried',
        );
    },
  },
  {
    name: 'delivery-timeout',
    description: `every Produce response held past the delivery timeout (${SHORT_DELIVERY_TIMEOUT_MS} ms; quick: ${QUICK_DELIVERY_TIMEOUT_MS} ms): the sends must settle within ${GRACE_MS} ms (quick: ${QUICK_GRACE_MS} ms) after it (failed, possibly persisted), then the responses are released`,
    shortDeliveryTimeout: true,
    // It mostly waits for the delivery timeout: every client at once.
    concurrentCells: 16,
    async memory({ cluster, topic, send, freeze, deliveryTimeoutMs, graceMs }) {
      const hold = cluster.faults.holdResponses({ api: 'Produce', topic });
      await Promise.race([twoSends(send), sleep(deliveryTimeoutMs + graceMs)]);
      freeze();
      hold.release();
    },
    async kafka({ proxy, send, freeze, deliveryTimeoutMs, graceMs }) {
      // Every connection freezes at its first Produce until the sends must have settled: a client that reconnects
      // after its request timeout finds the new connection frozen too.
      const rule = proxy.addFault({
        kind: 'blackhole',
        apiKeys: [PRODUCE],
        durationMs: deliveryTimeoutMs + graceMs + 500,
        end: 'release',
        count: Number.POSITIVE_INFINITY,
      });
      await Promise.race([twoSends(send), sleep(deliveryTimeoutMs + graceMs)]);
      freeze();
      rule.remove();
    },
  },
  {
    name: 'concurrent-200',
    concurrentCells: TOPIC_SCOPED_CONCURRENCY,
    description: '200 concurrent single-record sends to one partition, 3 acks lost',
    async memory({ cluster, topic, send }) {
      cluster.faults.loseResponse({ api: 'Produce', topic }, { count: 3 });
      await Promise.all(ids('c', 200).map((id) => send([id])));
    },
    async kafka({ proxy, send }) {
      proxy.addFault({ kind: 'ackLost', apiKeys: [PRODUCE], count: 3 });
      await Promise.all(ids('c', 200).map((id) => send([id])));
    },
  },
  {
    name: 'burst-5-in-flight',
    concurrentCells: TOPIC_SCOPED_CONCURRENCY,
    description:
      'five requests in flight; the second is lost on the way (the connection reset), the rest answered late',
    async memory({ cluster, topic, send }) {
      cluster.faults.delayResponses({ api: 'Produce', topic }, { ms: 30, count: 5 });
      cluster.faults.loseRequest({ api: 'Produce', topic }, { count: 1 });
      const first = send(ids('p0', 5));
      await sleep(2);
      await Promise.all([first, ...Array.from({ length: 4 }, (_, i) => send(ids(`p${i + 1}`, 5)))]);
    },
    async kafka({ proxy, send }) {
      proxy.addFault({ kind: 'delay', apiKeys: [PRODUCE], delayMs: 30, count: 1 });
      proxy.addFault({ kind: 'cut', apiKeys: [PRODUCE], count: 1 });
      const first = send(ids('p0', 5));
      await sleep(2);
      await Promise.all([first, ...Array.from({ length: 4 }, (_, i) => send(ids(`p${i + 1}`, 5)))]);
    },
  },
];

export const SCENARIO_NAMES = SCENARIOS.map((s) => s.name);
