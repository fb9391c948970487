// The chaos matrix on the memory broker: every client × every fault scenario the broker's fault controls can
// express, read back from the log by the shared checker (@idem/testkit). Rows use the shape of the kafkajs
// chaos suite's results file (client, scenario, records, acked, duplicates, losses, reorders, errors, ...).
import { readRecordBatches } from '@idem/codec';
import { createProducer, isIdemError, systemClock as realClock } from '@idem/core';
import { idempotentProducer } from '@idem/kafkajs';
import { MemoryBrokerServer, type MemoryCluster, silentLogger } from '@idem/memory-broker';
import { checkDelivery, type SendOutcome, type SentRecord } from '@idem/testkit';
import { Kafka, logLevel } from 'kafkajs';

export const CHAOS_CLIENTS = ['idem', 'idem-off', 'idem-kafkajs', 'kafkajs-idempotent', 'kafkajs'] as const;
export type ChaosClientName = (typeof CHAOS_CLIENTS)[number];

export interface ChaosRow {
  readonly suite: 'chaos';
  readonly broker: 'memory';
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
}

interface Client {
  /** One send call of `values` to partition 0; one outcome per value. Never rejects. */
  send(topic: string, values: readonly string[]): Promise<SendOutcome[]>;
  close(): Promise<void>;
}

interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Runs the workload (`send`) with the fault armed; returns when every send settled. */
  run(
    cluster: MemoryCluster,
    topic: string,
    send: (values: readonly string[]) => Promise<void>,
  ): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'ack-lost',
    description: 'the broker appends a batch, then the response is lost and the connection reset',
    async run(cluster, topic, send) {
      cluster.faults.loseResponse({ api: 'Produce', topic }, { count: 1 });
      await Promise.all([send(ids('a', 10)), send(ids('b', 10))]);
    },
  },
  {
    name: 'request-lost',
    description: 'a Produce request never reaches the broker; the connection is reset',
    async run(cluster, topic, send) {
      cluster.faults.loseRequest({ api: 'Produce', topic }, { count: 1 });
      await Promise.all([send(ids('a', 10)), send(ids('b', 10))]);
    },
  },
  {
    name: 'reset-in-flight',
    description: 'the connection is reset while five requests are in flight (appended, answers delayed)',
    async run(cluster, topic, send) {
      cluster.faults.delayResponses({ api: 'Produce', topic }, { ms: 200, count: 5 });
      const all = Promise.all(Array.from({ length: 5 }, (_, i) => send(ids(`r${i}`, 4))));
      await sleep(60);
      cluster.faults.resetConnections();
      await all;
    },
  },
  {
    name: 'producer-state-lost',
    description: 'the broker restarts without producer state, then an ack is lost',
    async run(cluster, topic, send) {
      cluster.faults.restartBroker(cluster.leaderOf(topic, 0), { producerState: 'lost' });
      cluster.faults.loseResponse({ api: 'Produce', topic }, { count: 1 });
      await send(ids('a', 10));
      await send(ids('b', 10));
    },
  },
  {
    name: 'concurrent-200',
    description: '200 concurrent single-record sends to one partition, 3 acks lost',
    async run(cluster, topic, send) {
      cluster.faults.loseResponse({ api: 'Produce', topic }, { count: 3 });
      await Promise.all(ids('c', 200).map((id) => send([id])));
    },
  },
  {
    name: 'burst-5-in-flight',
    description: 'five requests in flight; the second is lost on the way, the rest are answered late',
    async run(cluster, topic, send) {
      cluster.faults.delayResponses({ api: 'Produce', topic }, { ms: 30, count: 5 });
      cluster.faults.loseRequest({ api: 'Produce', topic }, { count: 1 });
      const first = send(ids('p0', 5));
      await sleep(2);
      await Promise.all([first, ...Array.from({ length: 4 }, (_, i) => send(ids(`p${i + 1}`, 5)))]);
    },
  },
];

function idemOutcome(error: unknown): SendOutcome {
  return {
    status: 'failed',
    code: isIdemError(error) ? error.code : null,
    possiblyPersisted: isIdemError(error) && error.possiblyPersisted,
    typed: isIdemError(error),
  };
}

function coreClient(cluster: MemoryCluster, idempotent: boolean): Client {
  const producer = createProducer({
    transport: cluster.connect(),
    clock: realClock,
    clientId: idempotent ? 'idem' : 'idem-off',
    idempotent,
    ...(idempotent ? {} : { maxInFlightRequestsPerConnection: 5, retries: 5 }),
    lingerMs: 2,
    requestTimeoutMs: 1_000,
    deliveryTimeoutMs: 10_000,
    retryBackoffMs: 10,
  });
  return {
    async send(topic, values) {
      return Promise.all(
        values.map((value) =>
          producer
            .send({ topic, partition: 0, value })
            .then(
              (m): SendOutcome => ({ status: 'acked', partition: m.partition, offset: BigInt(m.offset) }),
              idemOutcome,
            ),
        ),
      );
    },
    close: () => producer.close(),
  };
}

interface KafkajsShaped {
  connect(): Promise<void>;
  send(record: {
    topic: string;
    messages: { value: string; partition: number }[];
  }): Promise<{ baseOffset?: string }[]>;
  disconnect(): Promise<void>;
}

async function kafkajsClient(bootstrap: string, name: ChaosClientName): Promise<Client> {
  const kafka = new Kafka({
    clientId: name,
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    requestTimeout: 1_000,
    retry: { retries: 5, initialRetryTime: 20, maxRetryTime: 200 },
  });
  const producer: KafkajsShaped =
    name === 'idem-kafkajs'
      ? idempotentProducer(kafka, { idem: { requestTimeoutMs: 1_000, lingerMs: 2 } })
      : name === 'kafkajs-idempotent'
        ? kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
        : kafka.producer();
  await producer.connect();
  return {
    async send(topic, values) {
      try {
        const [meta] = await producer.send({
          topic,
          messages: values.map((value) => ({ value, partition: 0 })),
        });
        const base = BigInt(meta?.baseOffset ?? '-1');
        return values.map((_, i) => ({
          status: 'acked',
          partition: 0,
          offset: base < 0n ? -1n : base + BigInt(i),
        }));
      } catch (error) {
        const results = (error as { results?: readonly unknown[] }).results;
        return values.map((_, i): SendOutcome => {
          const result = results?.[i] ?? error;
          if (result !== null && typeof result === 'object' && 'offset' in result)
            return { status: 'acked', partition: 0, offset: BigInt((result as { offset: bigint }).offset) };
          if (isIdemError(result)) return idemOutcome(result);
          const e = result as { name?: unknown; type?: unknown };
          const typed = typeof e.name === 'string' && e.name.startsWith('KafkaJS');
          const code = typeof e.type === 'string' ? e.type : typed ? (e.name as string) : null;
          return { status: 'failed', code, possiblyPersisted: false, typed };
        });
      }
    },
    close: () => producer.disconnect(),
  };
}

function readLog(cluster: MemoryCluster, topic: string) {
  const records: { offset: bigint; id: string | null }[] = [];
  for (const stored of cluster.readLog(topic, 0).batches) {
    if (stored.bytes === null) continue;
    for (const batch of readRecordBatches(stored.bytes)) {
      for (const record of batch.records()) {
        const id = record.value === null ? null : Buffer.from(record.value).toString('utf8');
        records.push({
          offset: batch.baseOffset + BigInt(record.offsetDelta),
          id: id === 'warmup' ? null : id,
        });
      }
    }
  }
  return [{ topic, partition: 0, records }];
}

export interface ChaosOptions {
  readonly clients?: readonly ChaosClientName[];
  readonly scenarios?: readonly string[];
  readonly onCell?: (row: ChaosRow, done: number, total: number) => void;
}

/** Runs the matrix on one memory broker (TCP server; the core clients connect to the same cluster in-process). */
export async function runChaosMatrix(options: ChaosOptions = {}): Promise<ChaosRow[]> {
  const clients = options.clients ?? CHAOS_CLIENTS;
  const scenarios = SCENARIOS.filter(
    (s) => options.scenarios === undefined || options.scenarios.includes(s.name),
  );
  const server = await MemoryBrokerServer.start({ brokers: 1, clock: realClock, logger: silentLogger });
  const rows: ChaosRow[] = [];
  const total = clients.length * scenarios.length;
  try {
    for (const scenario of scenarios) {
      for (const name of clients) {
        const topic = `chaos-${scenario.name}-${name}`;
        server.cluster.createTopic(topic, { partitions: 1 });
        const started = Date.now();
        const client =
          name === 'idem' || name === 'idem-off'
            ? coreClient(server.cluster, name === 'idem')
            : await kafkajsClient(server.bootstrapServers, name);
        await client.send(topic, ['warmup']);
        const sent: SentRecord[] = [];
        let order = 0;
        const send = async (values: readonly string[]) => {
          const base = order;
          order += values.length;
          const outcomes = await client.send(topic, values);
          outcomes.forEach((outcome, i) => {
            sent.push({ id: values[i] as string, producer: name, topic, order: base + i, outcome });
          });
        };
        const timeout = sleep(20_000).then(() => 'timeout' as const);
        const finished = await Promise.race([scenario.run(server.cluster, topic, send), timeout]);
        server.cluster.faults.clear();
        await Promise.race([client.close().catch(() => undefined), sleep(2_000)]);
        const verdict = checkDelivery(sent, readLog(server.cluster, topic));
        const errors = sent.filter((s) => s.outcome.status === 'failed');
        const codes = [
          ...new Set(errors.map((e) => (e.outcome.status === 'failed' ? e.outcome.code : null))),
        ];
        const reasons = [
          ...verdict.violations.slice(0, 3).map((v) => `${v.kind}: ${v.detail}`),
          ...(errors.length > 0 ? [`${errors.length} sends failed: ${codes.join(', ')}`] : []),
          ...(finished === 'timeout' ? ['the workload did not settle within 20 s'] : []),
        ];
        const row: ChaosRow = {
          suite: 'chaos',
          broker: 'memory',
          client: name,
          scenario: scenario.name,
          records: verdict.records,
          acked: verdict.acked,
          duplicates: verdict.duplicates,
          losses: verdict.losses,
          reorders: verdict.reorders,
          errors: errors.length,
          falseFailures: verdict.falseFailures,
          unsettled: verdict.unsettled,
          ms: Date.now() - started,
          reasons,
        };
        rows.push(row);
        options.onCell?.(row, rows.length, total);
      }
    }
  } finally {
    await server.close();
  }
  return rows;
}

export function scenarioDescriptions(): Record<string, string> {
  return Object.fromEntries(SCENARIOS.map((s) => [s.name, s.description]));
}
