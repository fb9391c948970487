// Producer throughput on one broker: records/s and send→ack latency for 100-byte records, each client driven by
// the same closed loop (a fixed number of single-record sends outstanding). Clients run in interleaved rounds so
// that load changes on the machine spread over all of them.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { percentile } from '../percentile.js';
import { median, ratioSpread, vsFields } from '../ratio-spread.js';
import { openBroker } from '../throughput/broker.js';
import { type BenchClient, CLIENT_NAMES, type ClientName, createBenchClient } from '../throughput/clients.js';
import { formatThroughputTable, type ThroughputRow } from '../throughput/report.js';

export interface ThroughputSuiteOptions {
  broker: 'kafka' | 'memory';
  clients: readonly string[];
  quick: boolean;
  json: boolean;
}

const VALUE_BYTES = 100;
const PARTITIONS = 3;
/** Records outstanding per client (in sends of 1 or of 100): enough to keep any client's pipeline full. */
const OUTSTANDING = 512;
/** Messages per `send` call: one record per call (the common app pattern), and batched calls. */
const SEND_SIZES = [1, 100] as const;

interface Tally {
  readonly client: BenchClient;
  readonly topic: string;
  readonly sendSize: number;
  readonly rates: number[];
  readonly latencies: number[];
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

export async function runThroughputSuite(options: ThroughputSuiteOptions): Promise<void> {
  const names = options.clients.map((c) => {
    if (!(CLIENT_NAMES as readonly string[]).includes(c)) {
      throw new Error(`unknown client ${c}; one of ${CLIENT_NAMES.join(', ')}`);
    }
    return c as ClientName;
  });
  const rounds = options.quick ? 3 : 5;
  const roundMs = options.quick ? 1_500 : 5_000;
  const broker = await openBroker(options.broker);
  const notes: string[] = [
    `${broker.description}; ${VALUE_BYTES} B records, ${OUTSTANDING} outstanding per client; latency is send() call → resolve`,
  ];
  const tallies: Tally[] = [];
  try {
    const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    for (const name of names) {
      const client = createBenchClient(name, broker.bootstrap);
      if (typeof client === 'string') {
        notes.push(`${name} skipped: ${client}`);
        continue;
      }
      const topic = `bench-throughput-${name}-${Date.now().toString(36)}`;
      await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
      await client.connect();
      for (const sendSize of SEND_SIZES) tallies.push({ client, topic, sendSize, rates: [], latencies: [] });
    }
    await admin.disconnect();

    const value = randomBytes(VALUE_BYTES);
    for (const t of tallies) await drive(t, value, Math.min(roundMs, 1_000), false); // warm-up
    for (let round = 0; round < rounds; round++) {
      for (const t of tallies) {
        const rate = await drive(t, value, roundMs, true);
        progress(
          `throughput round ${round + 1}/${rounds} ${t.client.name}: ${Math.round(rate).toLocaleString('en-US')} records/s`,
        );
      }
    }
  } finally {
    for (const client of new Set(tallies.map((t) => t.client))) await client.disconnect().catch(() => {});
    await broker.stop();
  }

  // Each round of a client against the same round of idem-kafkajs with the same send size (../ratio-spread.ts).
  const idemRates = (sendSize: number) =>
    tallies.find((x) => x.client.name === 'idem-kafkajs' && x.sendSize === sendSize)?.rates;
  const rows: ThroughputRow[] = tallies.map((t) => {
    const latencies = Float64Array.from(t.latencies).sort();
    const anchor = t.client.name === 'idem-kafkajs' ? undefined : idemRates(t.sendSize);
    return {
      suite: 'throughput',
      broker: options.broker,
      client: t.client.name,
      messagesPerSend: t.sendSize,
      recordsPerSec: Math.round(median(t.rates)),
      rounds: t.rates.map(Math.round),
      p50Ms: round2(percentile(latencies, 50)),
      p99Ms: round2(percentile(latencies, 99)),
      ...vsFields('IdemKafkajs', anchor === undefined ? undefined : ratioSpread(t.rates, anchor)),
    };
  });
  if (options.json) {
    for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
  } else {
    process.stdout.write(formatThroughputTable(rows, notes));
  }
}

/** Keeps OUTSTANDING records in sends going for `ms`, waits for the stragglers; returns acked records per second. */
async function drive(t: Tally, value: Buffer, ms: number, record: boolean): Promise<number> {
  const started = performance.now();
  const until = started + ms;
  let acked = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < until) {
      const at = performance.now();
      await t.client.send(t.topic, value, t.sendSize);
      acked += t.sendSize;
      if (record) t.latencies.push(performance.now() - at);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, OUTSTANDING / t.sendSize) }, loop));
  const rate = (acked * 1000) / (performance.now() - started);
  if (record) t.rates.push(rate);
  return rate;
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
