import { MemoryCluster } from '@idem/memory-broker';
import {
  checkDelivery,
  type PartitionLog,
  Prng,
  type RunResult,
  SeededScheduler,
  type SendOutcome,
  type SentRecord,
  type Verdict,
} from '@idem/testkit';
import type { ProducerEngineOptions } from '../../src/engine/producer-engine.js';
import { ProducerEngine } from '../../src/engine/producer-engine.js';
import { isIdemError } from '../../src/errors/idem-error.js';
import type { Transport } from '../../src/ports/transport.js';
import type { ProducerRecord } from '../../src/producer/contract.js';
import { recording, type SentBatch } from '../support/memory-harness.js';
import { addCounts, bump, countFault } from './fault-counts.js';
import { readGenerations } from './read-generations.js';
import { wideFaultPlan } from './wide-faults.js';

const START = 1_700_000_000_000;

function faultRandom(prng: Prng): () => number {
  return () => prng.next();
}

/**
 * One deterministic simulation: a seeded scheduler on a virtual clock drives several producers against a cluster
 * with a random mixed fault schedule, then the testkit checker judges what ended up in the logs against what the
 * producers reported. Everything random comes from `seed`, so a failing seed replays exactly.
 */

export interface SimOptions {
  /** Scale the amount of traffic (1 = default). */
  readonly scale?: number;
  /**
   * Let some seeds restart brokers losing producer state ('snapshot', 'lost'): outside what any client can
   * guarantee (a retry of a lost-state batch is appended again), so such seeds are judged on liveness and typing
   * only, and their anomalies are reported apart.
   */
  readonly stateLoss?: boolean;
  /**
   * The wider fault model of issue 9 (wide-faults.ts): retries refused before the duplicate check, topics
   * deleted and recreated, partitions added, brokers dying with a delayed failover, stale metadata, refused
   * credentials. Off by default so stock-model seeds replay as they always did; CI runs a slice of each,
   * `pnpm sim --wide` any number.
   */
  readonly wide?: boolean;
  /** Receives a line per notable event (producer events, faults), for replaying a failing seed. */
  readonly trace?: (line: string) => void;
}

export interface SimStats {
  readonly producers: number;
  readonly partitions: number;
  readonly nodes: number;
  readonly requests: number;
  readonly faults: number;
  readonly epochBumps: number;
  readonly dataLossEvents: number;
  readonly virtualMs: number;
  readonly steps: number;
  /** Failed records per error code. */
  readonly failuresByCode: Readonly<Record<string, number>>;
  /** Injected faults by kind (fault-counts.ts), plus the producers given bad credentials. */
  readonly faultsByKind: Readonly<Record<string, number>>;
}

export interface SimResult {
  readonly seed: number;
  /** Brokers may have lost producer state in this run (see SimOptions.stateLoss). */
  readonly stateLoss: boolean;
  readonly ok: boolean;
  readonly verdict: Verdict;
  readonly run: RunResult;
  readonly stats: SimStats;
  /** Why the run is not ok beyond the verdict (deadlock, unsettled close). */
  readonly problems: readonly string[];
  readonly config: Readonly<Record<string, unknown>>;
}

interface Outcome {
  id: string;
  producer: string;
  topic: string;
  order: number;
  outcome: SendOutcome;
}

export async function simulate(seed: number, options: SimOptions = {}): Promise<SimResult> {
  const scale = options.scale ?? 1;
  const scheduler = new SeededScheduler(seed);
  const rng = scheduler.random.fork();
  const clock = scheduler.clock;

  // ---- the cluster: Kafka 4.3 rules or 4.5's stricter first-sequence rule
  const nodeCount = rng.int(1, 3);
  const topicCount = rng.int(1, 2);
  const topics: Record<string, { partitions: number }> = {};
  for (let t = 0; t < topicCount; t++) topics[`topic-${t}`] = { partitions: rng.int(1, 6) };
  const profile = rng.pick(['2.5-4.4', '4.5+'] as const);
  const cluster = new MemoryCluster({
    brokers: nodeCount,
    clock,
    random: rng.fork(),
    topics,
    profile,
    autoCreateTopics: false,
  });

  // ---- the fault schedule: every kind, mixed, on every API the producer uses
  const intensity = rng.pick([0, 0.01, 0.03, 0.06, 0.12]);
  const stateLoss = (options.stateLoss ?? false) && rng.chance(0.5);
  const wide = options.wide === true ? wideFaultPlan(seed, intensity, nodeCount, 3) : undefined;
  cluster.faults.randomSchedule({
    random: faultRandom(rng.fork()),
    apis: ['Produce', 'InitProducerId', 'Metadata'],
    probabilities: {
      reset: intensity * 0.3,
      requestLost: intensity * 0.5,
      ackLost: intensity * 0.5,
      blackhole: 0.3,
      error: intensity,
      errorAfterAppend: intensity * 0.4,
      delay: intensity * 2,
      leaderMove: nodeCount > 1 ? intensity * 0.4 : 0,
      restart: intensity * 0.15,
      producerIdNotReady: 0.2,
      ...wide?.probabilities,
    },
    errorCodes: [6, 19, 5, 56, 2, 3],
    delayMs: [1, rng.pick([20, 200, 2000])],
    restartModes: stateLoss ? ['clean', 'snapshot', 'lost'] : ['clean'],
    restartDownMs: rng.pick([0, 0, 50, 500]),
    ...(wide === undefined ? {} : { cluster: wide.cluster }),
  });
  let faults = 0;
  const faultsByKind: Record<string, number> = {};
  cluster.onEvent((event) => {
    countFault(faultsByKind, event);
    if (event.kind === 'leader-moved' || event.kind === 'broker-up' || event.kind === 'response-released')
      return;
    faults++;
    options.trace?.(`+${clock.now() - START}ms cluster ${event.kind} ${stringify(event)}`);
  });

  // ---- the producers
  const producerCount = rng.int(1, 3);
  // Some runs send real Kafka frames through the codec instead of request objects.
  const wire = rng.chance(0.2);
  const requestTimeoutMs = rng.pick([500, 1000, 3000]);
  const lingerMs = rng.pick([0, 0, 1, 5, 20]);
  const config: Omit<ProducerEngineOptions, 'transport' | 'clock'> = {
    maxInFlightRequestsPerConnection: rng.int(1, 5),
    batchSize: rng.pick([120, 300, 1000, 16_384]),
    lingerMs,
    requestTimeoutMs,
    deliveryTimeoutMs: lingerMs + requestTimeoutMs + rng.pick([0, 2000, 2000, 30_000, 120_000]),
    retryBackoffMs: rng.pick([10, 50, 100]),
    retryBackoffMaxMs: 1000,
    // Delivery is always bounded now; the draw stays so every seed keeps its schedule.
    ...(rng.chance(0.25) ? { boundedDelivery: true as const } : {}),
    bufferMemory: rng.pick([4096, 1 << 20]),
    maxBlockMs: 120_000,
  };
  const topicNames = Object.keys(topics);
  /** With a trace, log every Produce request's batches (identity and answer) for replaying a seed. */
  const traced = (transport: Transport, name: string): Transport => {
    const trace = options.trace;
    if (trace === undefined) return transport;
    const log: { node: number; batches: SentBatch[] }[] = [];
    const wrapped = recording(transport, log);
    return {
      ...wrapped,
      produce: (node, request) => {
        const at = clock.now() - START;
        const result = wrapped.produce(node, request);
        const sent = log[log.length - 1]!.batches.map(
          (b) => `${b.topic}/${b.partition}@${b.epoch}:${b.baseSequence}+${b.count}`,
        );
        trace(`+${at}ms ${name} send node ${node} [${sent.join(' ')}]`);
        result.then(
          (response) => {
            const answers = response.responses.flatMap((t) =>
              t.partitionResponses.map((p) => `${t.name}/${p.index}:${p.errorCode}@${p.baseOffset}`),
            );
            trace(`+${clock.now() - START}ms ${name} answer (sent +${at}) [${answers.join(' ')}]`);
          },
          (error: unknown) => trace(`+${clock.now() - START}ms ${name} lost (sent +${at}) ${String(error)}`),
        );
        return result;
      },
    };
  };
  const outcomes: Outcome[] = [];
  const producers: ProducerEngine[] = [];
  let epochBumps = 0;
  let requests = 0;
  let dataLossEvents = 0;
  let pending = 0;
  let scriptsRunning = producerCount;

  for (let p = 0; p < producerCount; p++) {
    const name = `p${p}`;
    const producer = new ProducerEngine({
      ...config,
      // The wide model deletes and recreates topics: its producers speak Produce v13, which addresses a topic by id,
      // so a request meant for the deleted log is refused (UNKNOWN_TOPIC_ID) instead of landing in the new one. By
      // name (v12 and older), a recreation between two metadata refreshes cannot be seen (docs/design.md).
      transport: traced(
        cluster.connect({ wire, clientId: name, ...(options.wide ? { versions: { Produce: 13 } } : {}) }),
        name,
      ),
      clock,
      random: rng.fork(),
    });
    producer.on('epochBump', () => epochBumps++);
    producer.on('request', () => requests++);
    producer.on('dataLoss', () => dataLossEvents++);
    const trace = options.trace;
    if (trace !== undefined) {
      const at = () => `+${clock.now() - START}ms ${name}`;
      for (const event of [
        'epochBump',
        'dataLoss',
        'retry',
        'lateAck',
        'error',
        'producerId',
        'request',
      ] as const) {
        producer.on(event, (payload) => trace(`${at()} ${event} ${stringify(payload)}`));
      }
    }
    producers.push(producer);
    if (wide?.badCredentials.has(p) === true) {
      cluster.faults.refuseAuthentication({ clientId: name });
      bump(faultsByKind, 'bad-credentials-producer');
    }
    const script = rng.fork();
    const total = Math.max(1, Math.round(script.int(20, 150) * scale));
    let order = 0;
    let sent = 0;
    const step = () => {
      if (sent >= total) {
        scriptsRunning--;
        return;
      }
      const size = script.chance(0.3) ? script.int(2, 5) : 1;
      const records: ProducerRecord[] = [];
      const metas: Outcome[] = [];
      for (let i = 0; i < size && sent < total; i++, sent++) {
        const topic = script.pick(topicNames);
        const id = `${name}-${sent}`;
        const mode = script.next();
        const record: ProducerRecord =
          mode < 0.4
            ? { topic, key: `k${script.int(0, 9)}`, value: id }
            : mode < 0.6
              ? { topic, partition: script.int(0, topics[topic]!.partitions - 1), value: id }
              : { topic, value: id };
        records.push(record);
        const outcome: Outcome = {
          id,
          producer: name,
          topic,
          order: order++,
          outcome: { status: 'pending' },
        };
        metas.push(outcome);
        outcomes.push(outcome);
      }
      pending++;
      const settle = (index: number, result: unknown, failed: boolean) => {
        const meta = metas[index]!;
        if (!failed) {
          const m = result as { partition: number; offset: bigint };
          meta.outcome = { status: 'acked', partition: m.partition, offset: m.offset };
        } else {
          meta.outcome = {
            status: 'failed',
            code: isIdemError(result) ? result.code : null,
            possiblyPersisted: isIdemError(result) ? result.possiblyPersisted : false,
            typed: isIdemError(result),
          };
        }
      };
      const done = () => pending--;
      if (records.length === 1) {
        producer
          .send(records[0]!)
          .then(
            (m) => settle(0, m, false),
            (e: unknown) => settle(0, e, true),
          )
          .finally(done);
      } else {
        producer
          .send(records)
          .then(
            (ms) => {
              for (let i = 0; i < ms.length; i++) settle(i, ms[i], false);
            },
            (e: unknown) => {
              const results = (e as { results?: unknown[] }).results;
              for (let i = 0; i < metas.length; i++) {
                const r = results === undefined ? e : results[i];
                settle(i, r, results === undefined || isIdemError(r) || r instanceof Error);
              }
            },
          )
          .finally(done);
      }
      clock.setTimeout(step, script.pick([0, 0, 1, 2, 5, 20]));
    };
    clock.setTimeout(step, script.int(0, 10));
  }

  const problems: string[] = [];
  const maxTimeMs = 6 * 3_600_000;
  const run = await scheduler.run(() => scriptsRunning === 0 && pending === 0, {
    maxTimeMs,
    maxSteps: 1_000_000,
  });
  if (!run.completed) {
    problems.push(
      run.deadlocked ? 'deadlock: sends pending with nothing scheduled' : 'time limit: sends still pending',
    );
    for (const [i, producer] of producers.entries()) {
      const stuck = producer.state.partitions.filter((p) => p.inFlight.length > 0 || p.queuedRecords > 0);
      options.trace?.(
        `stuck p${i} ${producer.state.status} epoch ${producer.state.epoch}: ${stringify(stuck)}`,
      );
    }
  }

  // Every producer must close cleanly once idle.
  let closed = 0;
  for (const producer of producers) void producer.close().then(() => closed++);
  const closing = await scheduler.run(() => closed === producers.length, { maxTimeMs: 60_000 });
  if (!closing.completed) problems.push('close() did not settle');
  for (const [i, producer] of producers.entries()) {
    const state = producer.state;
    // Everything settled, so nothing may still hold buffer bytes or sit in a partition's queues.
    if (state.bufferedBytes !== 0)
      problems.push(`p${i} still counts ${state.bufferedBytes} buffered bytes after close`);
    const stuck = state.partitions.filter((p) => p.inFlight.length > 0 || p.queuedRecords > 0);
    if (stuck.length > 0) problems.push(`p${i} has batches left after close in ${stuck.length} partition(s)`);
  }

  // Without state-losing restarts any data-loss report is a false alarm. A deleted topic loses data for real:
  // a producer whose acknowledged records went with it is right to report it once the topic is back.
  const topicDeleted = (faultsByKind['topic-deleted'] ?? 0) > 0;
  if (dataLossEvents > 0 && !stateLoss && !topicDeleted)
    problems.push(`${dataLossEvents} dataLoss event(s) without any state-losing fault`);

  // Every generation of every topic: records in a deleted topic were written (tooling/testkit's checker).
  const logs: PartitionLog[] = Object.keys(topics).flatMap((topic) => readGenerations(cluster, topic));

  // A producer whose credentials are always refused never reaches a broker: each of its sends must fail, typed,
  // and certainly not persisted.
  for (const p of wide?.badCredentials ?? []) {
    if (p >= producerCount) continue;
    const wrong = outcomes.filter(
      (o) =>
        o.producer === `p${p}` &&
        !(o.outcome.status === 'failed' && o.outcome.typed && !o.outcome.possiblyPersisted),
    );
    if (wrong.length > 0)
      problems.push(
        `p${p} has bad credentials but ${wrong.length} send(s) did not fail typed, not persisted`,
      );
  }
  const sent: SentRecord[] = outcomes.map((o) => ({ ...o }));
  const failuresByCode: Record<string, number> = {};
  for (const o of outcomes) {
    if (o.outcome.status === 'failed') {
      const key = `${o.outcome.code}${o.outcome.possiblyPersisted ? '(pp)' : ''}`;
      failuresByCode[key] = (failuresByCode[key] ?? 0) + 1;
    }
  }
  const verdict = checkDelivery(sent, logs);
  // A replay names, for each violation, what the producer said of the record and where the logs hold it.
  if (options.trace !== undefined) {
    for (const v of verdict.violations) {
      const record = sent.find((r) => r.id === v.id);
      const places = logs.flatMap((log) =>
        log.records
          .filter((r) => r.id === v.id)
          .map(
            (r) =>
              `${log.topic}-${log.partition}${log.generation === undefined ? '' : `/${log.generation.slice(0, 8)}`}@${r.offset}`,
          ),
      );
      options.trace(
        `violation ${v.kind} ${v.id}: outcome ${stringify(record?.outcome)}; in logs at [${places.join(', ')}]`,
      );
    }
  }
  // A broker that forgets producer state can make any client duplicate or drop (docs/broker-rules.md §"Restarts and producer state"): such seeds
  // must still settle every send with a typed outcome, and their anomalies are counted apart.
  const live = verdict.unsettled === 0 && verdict.untypedFailures === 0 && verdict.phantoms === 0;
  return {
    seed,
    stateLoss,
    ok: problems.length === 0 && (stateLoss ? live : verdict.ok),
    verdict,
    run,
    problems,
    stats: {
      producers: producerCount,
      partitions: Object.values(topics).reduce((n, t) => n + t.partitions, 0),
      nodes: nodeCount,
      requests,
      faults,
      epochBumps,
      dataLossEvents,
      virtualMs: run.timeMs - START,
      steps: run.steps,
      failuresByCode,
      faultsByKind,
    },
    config: {
      ...wide?.config,
      ...config,
      intensity,
      nodes: nodeCount,
      topics,
      profile,
      stateLoss,
      wire,
    },
  };
}

/** Sums many runs into the line `pnpm sim --json` prints. */
export interface SimSummary {
  seeds: number;
  failures: number;
  records: number;
  duplicates: number;
  losses: number;
  reorders: number;
  falseFailures: number;
  untyped: number;
  unsettled: number;
  /** Seeds whose brokers could lose producer state, and the duplicates/losses/reorders seen there. */
  stateLossSeeds: number;
  stateLossAnomalies: number;
  /** Records written to a deleted topic and again to its re-creation (not duplicates; testkit's checker). */
  regeneratedCopies: number;
  /** Injected faults by kind, totals across seeds. */
  faultsByKind: Record<string, number>;
  failedSeeds: number[];
}

export function summarize(results: readonly SimResult[]): SimSummary {
  const summary: SimSummary = {
    seeds: results.length,
    failures: 0,
    records: 0,
    duplicates: 0,
    losses: 0,
    reorders: 0,
    falseFailures: 0,
    untyped: 0,
    unsettled: 0,
    stateLossSeeds: 0,
    stateLossAnomalies: 0,
    regeneratedCopies: 0,
    faultsByKind: {},
    failedSeeds: [],
  };
  for (const r of results) {
    summary.records += r.verdict.records;
    summary.regeneratedCopies += r.verdict.regeneratedCopies;
    addCounts(summary.faultsByKind, r.stats.faultsByKind);
    if (r.stateLoss) {
      summary.stateLossSeeds++;
      summary.stateLossAnomalies +=
        r.verdict.duplicates + r.verdict.losses + r.verdict.reorders + r.verdict.falseFailures;
      summary.unsettled += r.verdict.unsettled;
      summary.untyped += r.verdict.untypedFailures;
      if (!r.ok) {
        summary.failures++;
        summary.failedSeeds.push(r.seed);
      }
      continue;
    }
    summary.duplicates += r.verdict.duplicates;
    summary.losses += r.verdict.losses;
    summary.reorders += r.verdict.reorders;
    summary.falseFailures += r.verdict.falseFailures;
    summary.untyped += r.verdict.untypedFailures;
    summary.unsettled += r.verdict.unsettled;
    if (!r.ok) {
      summary.failures++;
      summary.failedSeeds.push(r.seed);
    }
  }
  return summary;
}

function stringify(value: unknown): string {
  return JSON.stringify(value, (_, v) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Error ? `${v.name}: ${v.message}` : v,
  );
}

export { Prng };
