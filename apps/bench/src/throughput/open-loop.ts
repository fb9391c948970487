// Open-loop throughput, as Kafka's ProducerPerformance measures it: one client at a time issues N single-record sends
// of 100 B as fast as it can with at most MAX_OUTSTANDING unacknowledged, to a 6-partition topic, acks=all,
// idempotent. Kafka's Java producer runs as a client too (ProducerPerformance, apps/bench/bin/producer-perf.sh).
// Clients run interleaved in rounds on the same broker; the table gives each client's median and its ratio to the
// core's `send()` over kafkajs connections (idem-core).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { idempotentProducer } from '@idem/kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { formatSpread, median, ratioSpread, vsFields } from '../ratio-spread.js';
import { openBroker } from './broker.js';

const run = promisify(execFile);

export const OPEN_LOOP_CLIENTS = [
  'java',
  'idem-core',
  'idem-kafkajs',
  'librdkafka',
  'librdkafka-native',
  'idem-confluent',
  'kafkajs-idempotent',
] as const;
export type OpenLoopClientName = (typeof OPEN_LOOP_CLIENTS)[number];

export interface OpenLoopOptions {
  readonly broker: 'kafka' | 'memory';
  readonly clients: readonly string[];
  /** Records per client per round; the issue's figure is 1,000,000. */
  readonly records: number;
  readonly rounds: number;
  readonly json: boolean;
}

const VALUE_BYTES = 100;
const PARTITIONS = 6;
const MAX_OUTSTANDING = 20_000;
/** A client slower than this per round (kafkajs's idempotent producer: ~2k/s) is measured on what it did by then. */
const ROUND_CAP_MS = 60_000;
/** apps/bench/bin/producer-perf.sh, from src/throughput/ (sources) or dist/ (the built cli). */
const PRODUCER_PERF =
  [
    path.resolve(import.meta.dirname, '../bin/producer-perf.sh'),
    path.resolve(import.meta.dirname, '../../bin/producer-perf.sh'),
  ].find((candidate) => existsSync(candidate)) ?? 'apps/bench/bin/producer-perf.sh';

interface OpenLoopClient {
  readonly name: OpenLoopClientName;
  /** Runs one round of `records` sends to `topic`; returns acknowledged records per second. */
  round(topic: string, records: number): Promise<number>;
  close(): Promise<void>;
}

/** Keeps at most MAX_OUTSTANDING sends unacknowledged until `records` were sent or the cap passed. */
async function openLoop(send: () => Promise<unknown>, records: number): Promise<number> {
  const started = performance.now();
  const deadline = started + ROUND_CAP_MS;
  let outstanding = 0;
  let acked = 0;
  let failed = 0;
  let wake: (() => void) | null = null;
  const settle = (ok: boolean): void => {
    outstanding--;
    if (ok) acked++;
    else failed++;
    if (wake !== null && (outstanding < MAX_OUTSTANDING / 2 || outstanding === 0)) {
      const w = wake;
      wake = null;
      w();
    }
  };
  const ok = () => settle(true);
  const bad = () => settle(false);
  let sent = 0;
  while (sent < records && performance.now() < deadline) {
    while (outstanding < MAX_OUTSTANDING && sent < records) {
      outstanding++;
      sent++;
      send().then(ok, bad);
    }
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  while (outstanding > 0) await new Promise<void>((resolve) => (wake = resolve));
  if (failed > 0) throw new Error(`${failed} sends failed`);
  return (acked * 1000) / (performance.now() - started);
}

function kafkaOf(bootstrap: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING });
}

async function createClient(name: OpenLoopClientName, bootstrap: string): Promise<OpenLoopClient | string> {
  const value = randomBytes(VALUE_BYTES);
  switch (name) {
    case 'java': {
      try {
        await run('bash', [PRODUCER_PERF, '--check'], { maxBuffer: 1 << 20 });
      } catch (error) {
        const stderr = String((error as { stderr?: unknown }).stderr ?? '')
          .trim()
          .split('\n')
          .at(-1);
        return `Kafka's Java producer unavailable: ${stderr || (error as Error).message}`;
      }
      return {
        name,
        async round(topic, records) {
          const { stdout } = await run(
            'bash',
            [
              PRODUCER_PERF,
              '--topic',
              topic,
              '--num-records',
              String(records),
              '--record-size',
              String(VALUE_BYTES),
              '--throughput',
              '-1',
              '--producer-props',
              `bootstrap.servers=${bootstrap}`,
              'acks=all',
              'enable.idempotence=true',
              'linger.ms=5',
            ],
            { maxBuffer: 16 << 20, timeout: ROUND_CAP_MS * 3 },
          );
          // The summary line: "1000000 records sent, 262054.5 records/sec (25.0 MB/sec), ..."
          const summary = stdout.trim().split('\n').at(-1) ?? '';
          const match = /records sent, ([\d.]+) records\/sec/.exec(summary);
          if (!match) throw new Error(`ProducerPerformance printed no summary: ${summary}`);
          return Number(match[1]);
        },
        close: async () => {},
      };
    }
    case 'idem-core':
    case 'idem-kafkajs': {
      const producer = idempotentProducer(kafkaOf(bootstrap, `bench-open-${name}`));
      await producer.connect();
      let topicNow = '';
      const message = [{ value }];
      const send =
        name === 'idem-core'
          ? () => producer.producer.send({ topic: topicNow, value })
          : () => producer.send({ topic: topicNow, messages: message });
      return {
        name,
        round: (topic, records) => {
          topicNow = topic;
          return openLoop(send, records);
        },
        close: () => producer.disconnect(),
      };
    }
    case 'kafkajs-idempotent': {
      const producer = kafkaOf(bootstrap, 'bench-open-kafkajs').producer({
        idempotent: true,
        maxInFlightRequests: 1,
      });
      await producer.connect();
      let topicNow = '';
      const message = [{ value }];
      return {
        name,
        round: (topic, records) => {
          topicNow = topic;
          return openLoop(() => producer.send({ topic: topicNow, messages: message }), records);
        },
        close: () => producer.disconnect(),
      };
    }
    case 'librdkafka-native': {
      // librdkafka's own producer API (node-rdkafka style): produce() per record, a delivery report per record,
      // polled in the background — what @idem/confluent drives, without idem's contract around it.
      // biome-ignore lint/suspicious/noExplicitAny: an optional dependency without types here.
      let confluent: any;
      try {
        confluent = createRequire(import.meta.url)('@confluentinc/kafka-javascript');
      } catch (error) {
        return `@confluentinc/kafka-javascript did not load (${(error as Error).message.split('\n')[0]})`;
      }
      const native = new confluent.Producer({
        'bootstrap.servers': bootstrap,
        'client.id': 'bench-open-librdkafka-native',
        'enable.idempotence': true,
        acks: 'all',
        'linger.ms': 5,
        dr_cb: true,
      });
      await new Promise<void>((resolve, reject) =>
        native.connect({ timeout: 30_000 }, (err: unknown) => (err ? reject(err) : resolve())),
      );
      native.setPollInBackground(true);
      type Settle = (ok: boolean) => void;
      native.on('delivery-report', (err: unknown, report: { opaque: Settle }) => report.opaque(!err));
      let topicNow = '';
      const send = () =>
        new Promise<unknown>((resolve, reject) => {
          const settle: Settle = (ok) => (ok ? resolve(undefined) : reject(new Error('delivery failed')));
          for (;;) {
            try {
              native.produce(topicNow, null, value, null, null, settle);
              return;
            } catch (error) {
              // QUEUE_FULL: librdkafka's own back-pressure; the open loop's bound keeps this rare.
              if ((error as { code?: number }).code !== -184) return reject(error);
              native.poll();
            }
          }
        });
      return {
        name,
        round: (topic, records) => {
          topicNow = topic;
          return openLoop(send, records);
        },
        close: () => new Promise<void>((resolve) => native.disconnect(10_000, () => resolve())),
      };
    }
    case 'idem-confluent': {
      let producer: import('@idem/confluent').ConfluentProducer;
      try {
        const { confluentProducer } = await import('@idem/confluent');
        producer = confluentProducer({
          bootstrapServers: bootstrap,
          clientId: 'bench-open-idem-confluent',
          lingerMs: 5,
        });
        await producer.connect();
      } catch (error) {
        return `@idem/confluent unavailable (${(error as Error).message.split('\n')[0]})`;
      }
      let topicNow = '';
      return {
        name,
        round: (topic, records) => {
          topicNow = topic;
          return openLoop(() => producer.send({ topic: topicNow, value }), records);
        },
        close: () => producer.close({ timeoutMs: 10_000 }),
      };
    }
    case 'librdkafka': {
      // biome-ignore lint/suspicious/noExplicitAny: an optional dependency without types here.
      let confluent: any;
      try {
        confluent = createRequire(import.meta.url)('@confluentinc/kafka-javascript');
      } catch (error) {
        return `@confluentinc/kafka-javascript did not load (${(error as Error).message.split('\n')[0]})`;
      }
      const kafka = new confluent.KafkaJS.Kafka({
        kafkaJS: {
          clientId: 'bench-open-librdkafka',
          brokers: [bootstrap],
          logLevel: confluent.KafkaJS.logLevel.NOTHING,
        },
      });
      const producer = kafka.producer({ 'enable.idempotence': true, 'linger.ms': 5 });
      await producer.connect();
      let topicNow = '';
      return {
        name,
        round: (topic, records) => {
          topicNow = topic;
          // A fresh message object per send: the client writes fields into the objects it sends.
          return openLoop(() => producer.send({ topic: topicNow, messages: [{ value }] }), records);
        },
        close: () => producer.disconnect(),
      };
    }
  }
}

export async function runOpenLoop(options: OpenLoopOptions): Promise<void> {
  const names = options.clients.map((c) => {
    if (!(OPEN_LOOP_CLIENTS as readonly string[]).includes(c))
      throw new Error(`unknown open-loop client ${c}; one of ${OPEN_LOOP_CLIENTS.join(', ')}`);
    return c as OpenLoopClientName;
  });
  const broker = await openBroker(options.broker);
  const notes = [
    `${broker.description}; open loop: ${options.records.toLocaleString('en-US')} single-record sends of ${VALUE_BYTES} B per client per round, ≤ ${MAX_OUTSTANDING.toLocaleString('en-US')} outstanding, ${PARTITIONS} partitions, acks=all, idempotent; ${options.rounds} interleaved round(s), median shown; ratios are per round`,
  ];
  const clients: OpenLoopClient[] = [];
  const rates = new Map<OpenLoopClientName, number[]>();
  const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    for (const name of names) {
      const client = await createClient(name, broker.bootstrap);
      if (typeof client === 'string') notes.push(`${name} skipped: ${client}`);
      else {
        clients.push(client);
        rates.set(name, []);
      }
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const client of clients) {
        const topic = `bench-open-${client.name}-${round}-${Date.now().toString(36)}`;
        await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
        const rate = await client.round(topic, options.records);
        rates.get(client.name)!.push(rate);
        process.stderr.write(
          `open loop round ${round + 1}/${options.rounds} ${client.name}: ${Math.round(rate).toLocaleString('en-US')} records/s\n`,
        );
      }
    }
  } finally {
    await admin.disconnect().catch(() => {});
    for (const client of clients) await client.close().catch(() => {});
    await broker.stop();
  }
  // Ratios follow the bench's one rule (../ratio-spread.ts): each round against the anchor of the same round.
  const coreRates = rates.get('idem-core') ?? [];
  const nativeRates = rates.get('librdkafka-native') ?? [];
  const rows = [...rates].map(([client, xs]) => ({
    suite: 'throughput-open-loop',
    broker: options.broker,
    client,
    recordsPerSec: Math.round(median(xs)),
    rounds: xs.map(Math.round),
    ...vsFields('Core', ratioSpread(xs, coreRates)),
    // @idem/confluent is measured against the librdkafka API it drives (issue 12's ≥ 0.9× target).
    ...vsFields('LibrdkafkaNative', client === 'idem-confluent' ? ratioSpread(xs, nativeRates) : undefined),
  }));
  const confluentRow = rows.find((r) => r.client === 'idem-confluent');
  if (confluentRow?.vsLibrdkafkaNative !== undefined)
    notes.push(`idem-confluent ÷ librdkafka-native (same run): ${confluentRow.vsLibrdkafkaNative}`);
  if (options.json) {
    for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    return;
  }
  const lines = [
    '| client | median records/s | × idem-core per round: median (min–max) | rounds |',
    '|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.client} | ${r.recordsPerSec.toLocaleString('en-US')} | ${formatSpread(r.vsCoreSpread)} | ${r.rounds.map((x) => x.toLocaleString('en-US')).join(', ')} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`);
}
