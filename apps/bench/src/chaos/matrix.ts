// The chaos matrix: every client × every fault scenario, read back from the log by the shared checker
// (@idem/testkit). On the memory broker the scenarios use its fault controls; with `broker: 'kafka'` they run on a
// real broker through the fault proxy (tooling/fault-proxy), and the scenarios that need the memory broker's
// controls are n/a cells; with `broker: 'cluster'` on a 3-node cluster, the proxy in front of every node, where the
// leader is really killed (kill -9, then restarted) and moved (./cluster.ts). Rows use the shape of the kafkajs chaos suite's results file (client, scenario, records,
// acked, duplicates, losses, reorders, errors, ...); an n/a cell is a row with zero counts and `na` saying why.
import { startFaultProxy } from '@idem/fault-proxy';
import { MemoryBrokerServer, realClock, silentLogger } from '@idem/memory-broker';
import { checkDelivery, type PartitionLog, type SentRecord } from '@idem/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { CHAOS_CLIENTS, type ChaosClient, type ChaosClientName, createChaosClient } from './clients.js';
import { openCluster, type RealTarget, singleBroker } from './cluster.js';
import type { ClusterTimings, FaultStep } from './fault-steps.js';
import { readKafkaLogs, readMemoryLog, WARMUP } from './read-log.js';
import {
  type ClusterContext,
  type ClusterNodes,
  DEFAULT_DELIVERY_TIMEOUT_MS,
  FAILOVER_CELL_LIMIT_MS,
  FAILOVER_DELIVERY_TIMEOUT_MS,
  GRACE_MS,
  type KafkaContext,
  QUICK_DELIVERY_TIMEOUT_MS,
  QUICK_GRACE_MS,
  SCENARIOS,
  type Scenario,
  type ScenarioContext,
  SHORT_DELIVERY_TIMEOUT_MS,
  sleep,
} from './scenarios.js';

export { CHAOS_CLIENTS, type ChaosClientName, IDEM_CLIENTS } from './clients.js';
export { SCENARIO_NAMES, SCENARIOS } from './scenarios.js';

/** Where the matrix runs: the memory broker, one real broker, a real 3-node cluster. */
export const CHAOS_BROKERS = ['memory', 'kafka', 'cluster'] as const;
/** One of CHAOS_BROKERS. */
export type ChaosBroker = (typeof CHAOS_BROKERS)[number];

export interface ChaosRow {
  readonly suite: 'chaos';
  readonly broker: ChaosBroker;
  readonly client: ChaosClientName;
  readonly scenario: string;
  readonly records: number;
  readonly acked: number;
  readonly duplicates: number;
  readonly losses: number;
  readonly reorders: number;
  readonly errors: number;
  readonly falseFailures: number;
  readonly unsettled: number;
  readonly ms: number;
  /** Why the cell is not clean: the checker's first violations, or the first error codes. */
  readonly reasons: readonly string[];
  /** Present when the cell did not run: why (the scenario needs the memory broker, the client did not load). */
  readonly na?: string;
  /** On the cluster, what the scenario did to the nodes and how long each step took (the kill, the takeover...). */
  readonly faultSteps?: readonly FaultStep[];
  /** On the cluster: how it came and went (its start and stop times), the same on every row of the run. */
  readonly cluster?: ClusterTimings;
}

export interface ChaosOptions {
  readonly broker?: ChaosBroker;
  /**
   * host:port of the real broker (`broker: 'kafka'`; default KAFKA_BOOTSTRAP), or the bootstrap list of a running
   * cluster (`broker: 'cluster'`; without it the cluster helper starts one).
   */
  readonly bootstrap?: string;
  /** `broker: 'cluster'`: the cluster's run dir (default IDEM_KAFKA_CLUSTER_RUN_DIR, else the bench's own). */
  readonly clusterRunDir?: string;
  /** Lines about the broker (the cluster starting, a node restarted). */
  readonly onLog?: (line: string) => void;
  readonly clients?: readonly ChaosClientName[];
  readonly scenarios?: readonly string[];
  /** Shorter delivery timeouts (the `all` suite and the tests): the same cells, faster. */
  readonly quick?: boolean;
  /** Each row once its verdict is in (on a real broker: all at the end, after the logs are read back). */
  readonly onCell?: (row: ChaosRow, done: number, total: number) => void;
  /** Each cell as it finishes running. */
  readonly onProgress?: (text: string, done: number, total: number) => void;
  /** A client that cannot run here: called once with the reason (its cells are n/a). */
  readonly onSkip?: (client: ChaosClientName, reason: string) => void;
}

const CELL_LIMIT_MS = 20_000;

/** What one cell's workload recorded, before the log is read. */
interface CellRun {
  readonly client: ChaosClientName;
  readonly scenario: string;
  readonly topic: string;
  readonly sent: SentRecord[];
  readonly ms: number;
  readonly notes: readonly string[];
  readonly faultSteps?: readonly FaultStep[];
}

function naRow(broker: ChaosBroker, client: ChaosClientName, scenario: string, na: string): ChaosRow {
  return {
    suite: 'chaos',
    broker,
    client,
    scenario,
    records: 0,
    acked: 0,
    duplicates: 0,
    losses: 0,
    reorders: 0,
    errors: 0,
    falseFailures: 0,
    unsettled: 0,
    ms: 0,
    reasons: [`n/a: ${na}`],
    na,
  };
}

function verdictRow(broker: ChaosBroker, run: CellRun, logs: readonly PartitionLog[]): ChaosRow {
  const verdict = checkDelivery(run.sent, logs);
  const errors = run.sent.filter((s) => s.outcome.status === 'failed');
  const codes = [...new Set(errors.map((e) => (e.outcome.status === 'failed' ? e.outcome.code : null)))];
  return {
    suite: 'chaos',
    broker,
    client: run.client,
    scenario: run.scenario,
    records: verdict.records,
    acked: verdict.acked,
    duplicates: verdict.duplicates,
    losses: verdict.losses,
    reorders: verdict.reorders,
    errors: errors.length,
    falseFailures: verdict.falseFailures,
    unsettled: verdict.unsettled,
    ms: run.ms,
    reasons: [
      ...verdict.violations.slice(0, 3).map((v) => `${v.kind}: ${v.detail}`),
      ...(errors.length > 0 ? [`${errors.length} sends failed: ${codes.join(', ')}`] : []),
      ...run.notes,
    ],
    ...(run.faultSteps !== undefined && run.faultSteps.length > 0 ? { faultSteps: run.faultSteps } : {}),
  };
}

/** Runs one scenario's workload on a fresh client; the outcomes are recorded, the log is read by the caller. */
async function runCell(
  client: ChaosClient,
  name: ChaosClientName,
  scenario: Scenario,
  topic: string,
  timeouts: Timeouts,
  workload: (context: ScenarioContext) => Promise<void>,
): Promise<CellRun> {
  const started = Date.now();
  const notes: string[] = [];
  const warm = await Promise.race([client.send(topic, [WARMUP]), sleep(10_000).then(() => null)]);
  if (warm === null || warm[0]?.status !== 'acked')
    notes.push(
      `the warm-up send did not succeed: ${warm === null ? 'no answer in 10 s' : JSON.stringify(warm[0], (_, v) => (typeof v === 'bigint' ? String(v) : v))}`,
    );
  const sent: SentRecord[] = [];
  let frozen = false;
  let order = 0;
  const send = async (values: readonly string[]) => {
    const entries = values.map((id) => {
      const entry: SentRecord = { id, producer: name, topic, order: order++, outcome: { status: 'pending' } };
      sent.push(entry);
      return entry;
    });
    const outcomes = await client.send(topic, values);
    if (frozen) return;
    outcomes.forEach((outcome, i) => {
      (entries[i] as { outcome: SentRecord['outcome'] }).outcome = outcome;
    });
  };
  const freeze = () => {
    frozen = true;
  };
  let settled = true;
  try {
    const finished = await Promise.race([
      workload({
        topic,
        send,
        freeze,
        deliveryTimeoutMs: timeouts.deliveryTimeoutMs,
        graceMs: timeouts.graceMs,
      }),
      sleep(timeouts.limitMs).then(() => 'timeout' as const),
    ]);
    if (finished === 'timeout') {
      settled = false;
      notes.push(`the workload did not settle within ${timeouts.limitMs / 1000} s`);
    }
  } catch (error) {
    notes.push(`the scenario failed: ${(error as Error).message.split('\n')[0]}`);
  }
  freeze();
  if (sent.some((s) => s.outcome.status === 'pending') && settled && scenario.shortDeliveryTimeout)
    notes.push(
      `sends still pending ${timeouts.graceMs} ms after the delivery timeout (${timeouts.deliveryTimeoutMs} ms)`,
    );
  return { client: name, scenario: scenario.name, topic, sent, ms: Date.now() - started, notes };
}

interface Plan {
  readonly clients: readonly ChaosClientName[];
  readonly scenarios: readonly Scenario[];
  readonly quick: boolean;
}

function planOf(options: ChaosOptions): Plan {
  return {
    clients: options.clients ?? CHAOS_CLIENTS,
    scenarios: SCENARIOS.filter((s) => options.scenarios === undefined || options.scenarios.includes(s.name)),
    quick: options.quick ?? false,
  };
}

interface Timeouts {
  readonly deliveryTimeoutMs: number;
  readonly graceMs: number;
  /** The cell's bound: past it the sends still pending are unsettled. */
  readonly limitMs: number;
}

function timeoutsOf(plan: Plan, scenario: Scenario, broker: ChaosBroker = 'memory'): Timeouts {
  if (broker === 'cluster' && scenario.failover)
    return {
      deliveryTimeoutMs: FAILOVER_DELIVERY_TIMEOUT_MS,
      graceMs: GRACE_MS,
      limitMs: FAILOVER_CELL_LIMIT_MS,
    };
  if (!scenario.shortDeliveryTimeout)
    return { deliveryTimeoutMs: DEFAULT_DELIVERY_TIMEOUT_MS, graceMs: GRACE_MS, limitMs: CELL_LIMIT_MS };
  return plan.quick
    ? { deliveryTimeoutMs: QUICK_DELIVERY_TIMEOUT_MS, graceMs: QUICK_GRACE_MS, limitMs: CELL_LIMIT_MS }
    : { deliveryTimeoutMs: SHORT_DELIVERY_TIMEOUT_MS, graceMs: GRACE_MS, limitMs: CELL_LIMIT_MS };
}

/** Runs the matrix on the memory broker (its TCP server; the core clients connect to the same cluster in-process). */
async function runOnMemory(plan: Plan, options: ChaosOptions): Promise<ChaosRow[]> {
  // Two brokers, so the leader can move.
  const server = await MemoryBrokerServer.start({ brokers: 2, clock: realClock, logger: silentLogger });
  const rows: ChaosRow[] = [];
  const total = plan.clients.length * plan.scenarios.length;
  const skipped = new Map<ChaosClientName, string>();
  const emit = (row: ChaosRow) => {
    rows.push(row);
    options.onProgress?.(`${row.scenario} × ${row.client}`, rows.length, total);
    options.onCell?.(row, rows.length, total);
  };
  // One cell: its verdict once the log is read; `clear` drops every fault rule afterwards (not while other cells of
  // the same scenario still run).
  const cell = async (scenario: Scenario, name: ChaosClientName, clear: boolean): Promise<ChaosRow> => {
    const known = skipped.get(name);
    if (known !== undefined) return naRow('memory', name, scenario.name, known);
    const topic = `chaos-${scenario.name}-${name}`;
    server.cluster.createTopic(topic, { partitions: 1 });
    const client = await createChaosClient(name, {
      bootstrap: server.bootstrapServers,
      cluster: server.cluster,
      deliveryTimeoutMs: timeoutsOf(plan, scenario).deliveryTimeoutMs,
    });
    if (typeof client === 'string') {
      if (!skipped.has(name)) options.onSkip?.(name, client);
      skipped.set(name, client);
      return naRow('memory', name, scenario.name, client);
    }
    const run = await runCell(client, name, scenario, topic, timeoutsOf(plan, scenario), (context) =>
      scenario.memory({ ...context, cluster: server.cluster }),
    );
    if (clear) server.cluster.faults.clear();
    await Promise.race([client.close().catch(() => undefined), sleep(2_000)]);
    return verdictRow('memory', run, readMemoryLog(server.cluster, topic));
  };
  try {
    for (const scenario of plan.scenarios) {
      const width = scenario.concurrentCells ?? 1;
      if (width > 1) {
        // `width` cells at a time, emitted in client order once the scenario is done.
        const done: ChaosRow[] = new Array(plan.clients.length);
        let next = 0;
        const lane = async () => {
          for (let i = next++; i < plan.clients.length; i = next++)
            done[i] = await cell(scenario, plan.clients[i] as ChaosClientName, false);
        };
        await Promise.all(Array.from({ length: Math.min(width, plan.clients.length) }, lane));
        server.cluster.faults.clear();
        for (const row of done) emit(row);
      } else for (const name of plan.clients) emit(await cell(scenario, name, true));
    }
  } finally {
    await server.close();
  }
  return rows;
}

/** The script a real-broker cell runs, or why it is n/a there. */
function realScript(
  scenario: Scenario,
  target: RealTarget,
):
  | { kafka: (context: KafkaContext) => Promise<void> }
  | { cluster: (context: ClusterContext) => Promise<void> }
  | string {
  if (target.broker === 'cluster' && scenario.cluster !== undefined) {
    if (typeof scenario.cluster !== 'function') return scenario.cluster.na;
    if (typeof target.nodes === 'string') return `the cluster's nodes cannot be controlled: ${target.nodes}`;
    return { cluster: scenario.cluster };
  }
  return typeof scenario.kafka === 'function' ? { kafka: scenario.kafka } : scenario.kafka.na;
}

/**
 * Runs the matrix on a real broker or cluster, each cell through a fresh fault proxy in front of every node; the logs
 * are read back at the end. The caller hands the rows out (a cluster's rows once it is stopped, timings included).
 */
async function runOnReal(plan: Plan, options: ChaosOptions, target: RealTarget): Promise<ChaosRow[]> {
  const broker = target.broker;
  const direct = new Kafka({
    clientId: 'idem-bench-chaos',
    brokers: target.bootstrap.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = direct.admin();
  await admin.connect();
  const total = plan.clients.length * plan.scenarios.length;
  const cells: (ChaosRow | CellRun)[] = [];
  const skipped = new Map<ChaosClientName, string>();
  const runId = Date.now().toString(36);
  let done = 0;
  const progress = (scenario: string, client: string) =>
    options.onProgress?.(`${scenario} × ${client}`, ++done, total);
  try {
    for (const scenario of plan.scenarios) {
      for (const name of plan.clients) {
        const known = skipped.get(name);
        const script = realScript(scenario, target);
        if (typeof script === 'string' || known !== undefined) {
          cells.push(naRow(broker, name, scenario.name, known ?? (script as string)));
          progress(scenario.name, name);
          continue;
        }
        const topic = `chaos-${runId}-${scenario.name}-${name}`;
        await admin.createTopics({
          topics: [{ topic, numPartitions: 1, replicationFactor: target.replicationFactor }],
          waitForLeaders: true,
        });
        const timeouts = timeoutsOf(plan, scenario, broker);
        const proxy = await startFaultProxy({
          upstream: target.bootstrap,
          seed: 1,
          maxLifetimeMs: timeouts.limitMs + 150_000,
        });
        let run: CellRun | ChaosRow;
        try {
          const client = await createChaosClient(name, {
            bootstrap: proxy.bootstrap,
            deliveryTimeoutMs: timeouts.deliveryTimeoutMs,
          });
          if (typeof client === 'string') {
            skipped.set(name, client);
            options.onSkip?.(name, client);
            run = naRow(broker, name, scenario.name, client);
          } else {
            const faultSteps: FaultStep[] = [];
            const recordStep = (step: FaultStep) => {
              faultSteps.push(step);
            };
            run = {
              ...(await runCell(client, name, scenario, topic, timeouts, (context) =>
                'cluster' in script
                  ? script.cluster({
                      ...context,
                      proxy,
                      direct,
                      nodes: target.nodes as ClusterNodes,
                      recordStep,
                    })
                  : script.kafka({ ...context, proxy, direct }),
              )),
              faultSteps,
            };
            proxy.clearFaults();
            await Promise.race([client.close().catch(() => undefined), sleep(2_000)]);
          }
        } finally {
          await proxy.close();
          await target.afterCell();
        }
        cells.push(run);
        progress(scenario.name, name);
      }
    }
    const runs = cells.filter((c): c is CellRun => !('suite' in c));
    const logs = await readKafkaLogs(
      direct,
      runs.map((r) => r.topic),
    );
    const rows = cells.map((c) => ('suite' in c ? c : verdictRow(broker, c, logs.get(c.topic) ?? [])));
    await admin.deleteTopics({ topics: runs.map((r) => r.topic) }).catch(() => undefined);
    return rows;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Runs the chaos matrix: every client of `options.clients` × every scenario of `options.scenarios`, on the memory
 * broker (default), one real broker (`broker: 'kafka'`) or a 3-node cluster (`broker: 'cluster'`).
 */
export async function runChaosMatrix(options: ChaosOptions = {}): Promise<ChaosRow[]> {
  const plan = planOf(options);
  const broker = options.broker ?? 'memory';
  if (broker === 'memory') return runOnMemory(plan, options);
  if (broker === 'kafka') {
    const bootstrap = options.bootstrap ?? process.env.KAFKA_BOOTSTRAP;
    if (!bootstrap)
      throw new Error('--broker kafka needs --bootstrap or KAFKA_BOOTSTRAP (host:port of a running broker)');
    return emitAll(await runOnReal(plan, options, singleBroker(bootstrap)), options);
  }
  const target = await openCluster({
    ...(options.bootstrap !== undefined ? { bootstrap: options.bootstrap } : {}),
    ...(options.clusterRunDir !== undefined ? { runDir: options.clusterRunDir } : {}),
    ...(options.onLog !== undefined ? { log: options.onLog } : {}),
  });
  let rows: ChaosRow[];
  try {
    rows = await runOnReal(plan, options, target);
  } catch (error) {
    await target.close();
    throw error;
  }
  const cluster = await target.close();
  return emitAll(
    rows.map((row) => (cluster === null ? row : { ...row, cluster })),
    options,
  );
}

/** Hands every row of a real-broker run to onCell, in matrix order; returns them. */
function emitAll(rows: ChaosRow[], options: ChaosOptions): ChaosRow[] {
  rows.forEach((row, i) => {
    options.onCell?.(row, i + 1, rows.length);
  });
  return rows;
}

export function scenarioDescriptions(): Record<string, string> {
  return Object.fromEntries(SCENARIOS.map((s) => [s.name, s.description]));
}
