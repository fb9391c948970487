// The 3-node cluster of `chaos --broker cluster`: tooling/kafka's cluster helper (the one the failover suite uses)
// starts it, or finds the run dir of one already running (`--bootstrap`), and its kill -9 / restart / leadership
// move become the scenarios' node controls. Without a run dir the controls are a reason, and the scenarios that need
// them are n/a cells; the others still run through the fault proxy.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_CLUSTER_RUN_DIR, KafkaCluster, startCluster } from '@idem/kafka-tooling/cluster';
import { Kafka, logLevel } from 'kafkajs';
import { type ClusterTimings, timed } from './fault-steps.js';
import type { ClusterNodes } from './scenarios.js';

/** Nodes of the cluster the bench starts; the scenarios need a leader to kill and two replicas to take over. */
export const CLUSTER_NODES = 3;
/** Where the bench's own cluster lives unless IDEM_KAFKA_CLUSTER_RUN_DIR says: not the failover suite's run dir. */
export const BENCH_CLUSTER_RUN_DIR = join(DEFAULT_CLUSTER_RUN_DIR, '..', 'bench-cluster');
/** One metadata question may not hang a scenario: a dead node can swallow it until the socket errors. */
const METADATA_TIMEOUT_MS = 10_000;

/** The cluster could not be started or reached: the CLI prints its message as one `error:` line, exit 1. */
export class BrokerUnavailable extends Error {
  override readonly name = 'BrokerUnavailable';
}

/** A real broker target: its bootstrap, the replication factor of the cells' topics, and the node controls. */
export interface RealTarget {
  readonly broker: 'kafka' | 'cluster';
  readonly bootstrap: string;
  readonly replicationFactor: number;
  /** The node controls, or why there are none (the cells that need them are n/a with it). */
  readonly nodes: ClusterNodes | string;
  /** After every cell: restarts any node a scenario left down (bounded by the helper's start budget). */
  afterCell(): Promise<void>;
  /** Stops the cluster if this run started it; resolves with how the cluster came and went (null: one broker). */
  close(): Promise<ClusterTimings | null>;
}

/** How `--broker cluster` finds its cluster. */
export interface ClusterSetup {
  /** A running cluster's bootstrap list; without it the bench starts (or reuses) one in `runDir`. */
  readonly bootstrap?: string;
  /** The cluster's run dir (state.json): default IDEM_KAFKA_CLUSTER_RUN_DIR, else BENCH_CLUSTER_RUN_DIR. */
  readonly runDir?: string;
  /** Progress lines (the start takes ~15-60 s). */
  readonly log?: (line: string) => void;
}

const addresses = (list: string) =>
  list
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
    .sort();

function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The node controls over `cluster`, asking the brokers at `bootstrap` who leads. */
export function nodeControls(cluster: KafkaCluster, bootstrap: string): ClusterNodes {
  const kafka = new Kafka({
    clientId: 'idem-bench-cluster',
    brokers: addresses(bootstrap),
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
  return {
    nodeIds: cluster.nodeIds,
    async leaderOf(topic) {
      const admin = kafka.admin();
      await bounded(admin.connect(), METADATA_TIMEOUT_MS, 'connecting to the cluster');
      try {
        const { topics } = await bounded(
          admin.fetchTopicMetadata({ topics: [topic] }),
          METADATA_TIMEOUT_MS,
          `metadata of ${topic}`,
        );
        const leader = topics[0]?.partitions.find((p) => p.partitionId === 0)?.leader ?? -1;
        if (leader < 0) throw new Error(`${topic} partition 0 has no leader`);
        return leader;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
    kill: (node) => cluster.kill(node),
    restart: (node) => cluster.restart(node),
    async moveLeader(topic, node) {
      await cluster.moveLeadership(topic, new Map([[0, node]]));
    },
  };
}

/**
 * Why `state` (a run dir's cluster) cannot be the one at `bootstrap`, or null when it is: the same node addresses.
 */
export function clusterMismatch(bootstrap: string, stateBootstrap: string, runDir: string): string | null {
  const want = addresses(bootstrap).join(',');
  const have = addresses(stateBootstrap).join(',');
  return want === have
    ? null
    : `the cluster in ${runDir} is ${have}, not ${want} (set IDEM_KAFKA_CLUSTER_RUN_DIR to the run dir of the cluster at --bootstrap)`;
}

/** Opens the cluster of `setup`: the running one at `bootstrap`, or one the helper starts (or reuses) in the run dir. */
export async function openCluster(setup: ClusterSetup): Promise<RealTarget> {
  const runDir = setup.runDir ?? process.env.IDEM_KAFKA_CLUSTER_RUN_DIR ?? BENCH_CLUSTER_RUN_DIR;
  let cluster: KafkaCluster | undefined;
  let nodes: ClusterNodes | string;
  let origin: ClusterTimings['origin'] = 'given';
  let startMs: number | null = null;
  let bootstrap: string;
  if (setup.bootstrap !== undefined) {
    bootstrap = setup.bootstrap;
    const state = join(runDir, 'state.json');
    const found = await access(state).then(
      () => true,
      () => false,
    );
    if (!found) {
      nodes = `no run dir of the cluster at --bootstrap (no ${state}): its nodes cannot be killed or moved from here; set IDEM_KAFKA_CLUSTER_RUN_DIR to the dir start.sh --nodes used`;
    } else {
      const opened = await KafkaCluster.open(runDir);
      const mismatch = clusterMismatch(bootstrap, opened.bootstrap, runDir);
      if (mismatch === null) cluster = opened;
      nodes = mismatch ?? nodeControls(opened, bootstrap);
    }
  } else {
    const reused = await KafkaCluster.open(runDir).then(
      async (c) => ((await Promise.all(c.nodeIds.map((id) => c.isRunning(id)))).every(Boolean) ? c : null),
      () => null,
    );
    if (reused !== null) {
      setup.log?.(
        `cluster: reusing the ${reused.nodeIds.length}-node cluster in ${runDir}: ${reused.bootstrap}`,
      );
      cluster = reused;
      origin = 'reused';
    } else {
      setup.log?.(
        `cluster: starting ${CLUSTER_NODES} Kafka nodes in ${runDir} (tooling/kafka/bin/start-cluster.sh)`,
      );
      const startedAt = performance.now();
      cluster = await startCluster(CLUSTER_NODES, runDir).catch((error: unknown) => {
        const why = String((error as Error).message ?? error)
          .split('\n')
          .filter((l) => /ERROR|failed/.test(l))
          .slice(-1)[0];
        throw new BrokerUnavailable(
          `--broker cluster: the ${CLUSTER_NODES}-node cluster did not start in ${runDir} (${why?.trim() ?? 'no reason given'}); it needs Java 17+ (tooling/kafka), or pass --bootstrap of a running cluster`,
        );
      });
      startMs = Math.round(performance.now() - startedAt);
      origin = 'started';
      setup.log?.(`cluster: ${cluster.bootstrap} (up in ${(startMs / 1000).toFixed(1)} s)`);
    }
    bootstrap = cluster.bootstrap;
    nodes = nodeControls(cluster, bootstrap);
  }
  const controlled = cluster;
  return {
    broker: 'cluster',
    bootstrap,
    replicationFactor: controlled?.state.replicationFactor ?? Math.min(3, addresses(bootstrap).length),
    nodes,
    async afterCell() {
      if (controlled === undefined) return;
      const back = await controlled.restartStopped();
      if (back.length > 0) setup.log?.(`cluster: restarted node(s) ${back.join(', ')} a scenario left down`);
    },
    async close() {
      const stopMs =
        origin === 'started' && controlled !== undefined ? await timed(() => controlled.stop()) : null;
      return { origin, startMs, stopMs };
    },
  };
}

/** The single real broker of `--broker kafka`: no node controls (the cluster scenarios are n/a). */
export function singleBroker(bootstrap: string): RealTarget {
  return {
    broker: 'kafka',
    bootstrap,
    replicationFactor: 1,
    nodes: 'one broker',
    afterCell: async () => undefined,
    close: async () => null,
  };
}
