// Where an example's records go: the embedded memory broker (default), or a real Kafka with
// `--bootstrap host:port`. Each example gets a transport per producer and reads back what landed in the log.
// In your own program you would pass `createKafkajsTransport(kafka)` (or `cluster.connect()` in tests) directly.
import type { Transport } from '@idem/core';
import { createKafkajsTransport } from '@idem/kafkajs';
import { MemoryCluster, readRecords } from '@idem/memory-broker';
import { Kafka, logLevel } from 'kafkajs';

/** One record as read back from a partition's log. */
export interface LoggedRecord {
  readonly offset: bigint;
  readonly key: string | null;
  readonly value: string | null;
  /** The producer id stamped on the record's batch; null when the reader cannot see it (kafkajs's consumer). */
  readonly producerId: bigint | null;
}

export interface ExampleBroker {
  /** 'embedded memory broker' or 'Kafka at host:port'. */
  readonly where: string;
  /** The memory cluster (for its fault injection), or null on a real Kafka. */
  readonly cluster: MemoryCluster | null;
  /** The topic's actual name: on a real Kafka a fresh one per run, so earlier runs' records do not show. */
  readonly topic: string;
  /** A new transport: each producer gets its own connections, as separate processes would. */
  transport(): Transport;
  /** Every record of a partition of the topic, in offset order. */
  readLog(partition?: number): Promise<LoggedRecord[]>;
  close(): Promise<void>;
}

export interface BrokerOptions {
  readonly topic: string;
  readonly partitions?: number;
  readonly brokers?: number;
}

const USAGE = 'usage: pnpm example <name> [--bootstrap host:port[,host:port...]]';

/** Parses `--bootstrap host:port` from argv; prints `error: …` and exits 2 on anything else. */
export function parseArgs(argv: readonly string[] = process.argv.slice(3)): { bootstrap: string | null } {
  let bootstrap: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--bootstrap=') ? ['--bootstrap', arg.slice(12)] : [arg, undefined];
    if (flag !== '--bootstrap') fail(`unknown argument ${JSON.stringify(arg)}`);
    const value = inline ?? argv[++i];
    if (value === undefined || !/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/.test(value)) {
      fail(`--bootstrap needs host:port[,host:port...], got ${JSON.stringify(value ?? '')}`);
    }
    bootstrap = value;
  }
  return { bootstrap };
}

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n${USAGE}\n`);
  process.exit(2);
}

export async function openBroker(options: BrokerOptions): Promise<ExampleBroker> {
  const { bootstrap } = parseArgs();
  const partitions = options.partitions ?? 1;
  if (bootstrap === null) return memoryBroker(options.topic, partitions, options.brokers ?? 1);
  return kafkaBroker(bootstrap, `${options.topic}-${Date.now()}`, partitions);
}

function memoryBroker(topic: string, partitions: number, brokers: number): ExampleBroker {
  const cluster = new MemoryCluster({ brokers, topics: { [topic]: { partitions } } });
  return {
    where: 'embedded memory broker',
    cluster,
    topic,
    transport: () => cluster.connect(),
    readLog: async (partition = 0) => readRecords(cluster, topic, partition),
    close: async () => {},
  };
}

async function kafkaBroker(bootstrap: string, topic: string, partitions: number): Promise<ExampleBroker> {
  const kafka = new Kafka({
    clientId: 'idem-example',
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5_000,
    retry: { retries: 3 },
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  return {
    where: `Kafka at ${bootstrap}`,
    cluster: null,
    topic,
    transport: () => createKafkajsTransport(kafka),
    readLog: (partition = 0) => consumeAll(kafka, admin, topic, partition),
    close: async () => {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** Reads a partition from the beginning to its high watermark with a throwaway consumer group, bounded. */
async function consumeAll(
  kafka: Kafka,
  admin: ReturnType<Kafka['admin']>,
  topic: string,
  partition: number,
): Promise<LoggedRecord[]> {
  const high = BigInt((await admin.fetchTopicOffsets(topic)).find((p) => p.partition === partition)!.high);
  const records: LoggedRecord[] = [];
  if (high === 0n) return records;
  const consumer = kafka.consumer({ groupId: `idem-example-reader-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${topic}/${partition}: timed out`)), 30_000);
      void consumer.run({
        eachMessage: async ({ partition: p, message }) => {
          if (p !== partition) return;
          records.push({
            offset: BigInt(message.offset),
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? null,
            producerId: null,
          });
          if (BigInt(message.offset) + 1n >= high) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** `0:charge-1 (PID 1)`: a record as the examples print it. */
export function show(r: LoggedRecord): string {
  return `${r.offset}:${r.value}${r.producerId === null ? '' : ` (PID ${r.producerId})`}`;
}
