/**
 * `pnpm bench broker`: how fast the memory broker validates and appends idempotent batches, what a
 * producer-partition's state costs in memory, and how many records/s real clients push through its
 * TCP server.
 *
 * - In-process: ready-made Produce requests (100 records per batch, valid CRC, sequences following
 *   on per producer and partition) sent through `cluster.request` for 1, 100 and 10,000 producers
 *   over 1 to 1,000 partitions; every answer is checked (NONE, nothing deduplicated). The batches
 *   go round-robin over the producer-partitions, so where there are more of them than batches, the
 *   run measures first writes (producer state being created). Each sample uses a fresh cluster.
 * - Memory: heap growth per producer-partition after 5 batches each (Kafka keeps the last 5), minus
 *   the same run with non-idempotent batches, which isolates the producer state from the log index.
 * - TCP: the broker runs as its own process (the idem-broker CLI), so the client's CPU is not the
 *   server's; kafkajs (idempotent, maxInFlightRequests 1) and librdkafka (enable.idempotence, if
 *   @confluentinc/kafka-javascript is installed) produce to it, one after the other in each sample
 *   (the order alternating), on a fresh broker process per sample. librdkafka is the anchor: the
 *   kafkajs row carries its ratio to librdkafka per sample (vsLibrdkafka, ...Spread). The server's
 *   CPU use over a run shows whether it was the bottleneck (100% = one core saturated).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { encodeRecordBatch, type ProduceRequest, restampRecordBatch } from '@idem/codec';
import { MemoryCluster } from '@idem/memory-broker';
import { formatSpread, median, ratioSpread, type VsFields, vsFields } from '../ratio-spread.js';

export interface BrokerSuiteOptions {
  quick: boolean;
  json: boolean;
}

/** On the offsets-only row: its rate ÷ the rate with the bytes kept, sample by sample (vsKeepRecords, ...Spread). */
export type InProcessRow = {
  suite: 'broker';
  kind: 'in-process';
  producers: number;
  partitions: number;
  /** Producer-partitions that received batches in the run. */
  pairsWritten: number;
  /** Whether the logs kept the batch bytes (false: offsets only, `storeRecords: false`). */
  keepRecords: boolean;
  recordsPerBatch: number;
  batches: number;
  /** Medians over the samples. */
  recordsPerSec: number;
  batchesPerSec: number;
} & VsFields<'KeepRecords'>;

export interface MemoryRow {
  suite: 'broker';
  kind: 'memory';
  pairs: number;
  batchesPerPair: number;
  /** Heap growth per producer-partition holding Kafka's 5 retained batches, log index included. */
  bytesPerPair: number;
  /** The same minus a run without producer ids: the producer state alone. */
  producerStateBytesPerPair: number;
}

type TcpClient = 'kafkajs' | 'librdkafka';

/** On the kafkajs row (when librdkafka ran beside it): its rate ÷ librdkafka's, sample by sample. */
export type TcpRow = {
  suite: 'broker';
  kind: 'tcp';
  client: TcpClient;
  records: number;
  valueBytes: number;
  samples: number;
  /** Median over the samples. */
  recordsPerSec: number;
  /** CPU the server process used over the run, in % of one core, median over the samples (null where /proc is unavailable). */
  serverCpuPercent: number | null;
} & VsFields<'Librdkafka'>;

/** One client's run against one broker process. */
export interface TcpSample {
  recordsPerSec: number;
  serverCpuPercent: number | null;
}

type Row = InProcessRow | MemoryRow | TcpRow;

const RECORDS_PER_BATCH = 100;
const PRODUCERS = [1, 100, 10_000];
const PARTITIONS = [1, 10, 100, 1000];
const TOPIC = 'bench';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

export async function runBrokerSuite(options: BrokerSuiteOptions): Promise<void> {
  const rows: Row[] = [];
  const emit = (row: Row) => {
    rows.push(row);
    if (options.json) process.stdout.write(`${JSON.stringify(row)}\n`);
  };
  const batches = options.quick ? 5_000 : 40_000;
  const samples = options.quick ? 2 : 5;
  const template = encodeRecordBatch({
    records: Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({
      key: null,
      value: Buffer.from(`v-${String(i).padStart(6, '0')}`),
      timestamp: Date.now(),
    })),
    producerId: 0n,
    producerEpoch: 0,
    baseSequence: 0,
  });

  for (const producers of PRODUCERS) {
    for (const partitions of options.quick ? [1, 1000] : PARTITIONS) {
      for (const row of await inProcess(template, producers, partitions, batches, samples)) {
        progress(
          `broker in-process ${producers} producer(s) x ${partitions} partition(s)${row.keepRecords ? '' : ', offsets only'}: ${fmt(row.recordsPerSec)} records/s`,
        );
        emit(row);
      }
    }
  }

  const memory = await measureMemory(options.quick ? 20_000 : 200_000);
  progress(
    `broker memory: ${memory.producerStateBytesPerPair} bytes of producer state per producer-partition`,
  );
  emit(memory);

  const records = options.quick ? 20_000 : 200_000;
  const factories = new Map<TcpClient, ProducerFactory>([['kafkajs', kafkajsProducer]]);
  const librdkafka = await librdkafkaProducer();
  if (librdkafka === null)
    progress('broker tcp librdkafka: skipped (@confluentinc/kafka-javascript is not installed)');
  else factories.set('librdkafka', librdkafka);
  const measured = new Map<TcpClient, TcpSample[]>([...factories.keys()].map((c) => [c, []]));
  for (let s = 0; s < samples; s++) {
    const order = [...factories.keys()];
    if (s % 2 === 1) order.reverse();
    const { child, brokers } = await startBrokerProcess();
    try {
      for (const client of order) {
        const sample = await tcpSample(factories.get(client)!, brokers, child.pid!, records);
        progress(
          `broker tcp ${client} (sample ${s + 1}/${samples}): ${fmt(sample.recordsPerSec)} records/s, server CPU ${sample.serverCpuPercent ?? '?'}%`,
        );
        measured.get(client)!.push(sample);
      }
    } finally {
      child.kill('SIGTERM');
    }
  }
  for (const row of tcpRows(measured, records, TCP_VALUE_BYTES)) emit(row);

  if (!options.json) process.stdout.write(formatTable(rows));
}

// ---- in-process appends ----

/**
 * Ready-made requests: batch i goes to producer-partition i mod pairs (partition-major, so every
 * partition is written even when there are more pairs than batches), with that pair's next sequence.
 */
function prepareRequests(
  template: Buffer,
  producers: number,
  partitions: number,
  batches: number,
): { requests: ProduceRequest[]; pairsWritten: number } {
  const pairs = producers * partitions;
  const sent = new Uint32Array(Math.min(pairs, batches));
  const requests: ProduceRequest[] = [];
  for (let i = 0; i < batches; i++) {
    // Each producer goes round-robin over every partition, producers taking turns.
    const pair = i % pairs;
    const partition = pair % partitions;
    const producer = Math.floor(pair / partitions);
    const slot = pair % sent.length;
    const records = restampRecordBatch(
      template,
      {
        producerId: 1000n + BigInt(producer),
        producerEpoch: 0,
        baseSequence: sent[slot]! * RECORDS_PER_BATCH,
      },
      { copy: true, verifyCrc: false },
    );
    sent[slot]!++;
    requests.push(produceRequest(partition, records));
  }
  return { requests, pairsWritten: Math.min(pairs, batches) };
}

function produceRequest(partition: number, records: Buffer): ProduceRequest {
  return {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30_000,
    topicData: [
      {
        name: TOPIC,
        topicId: '00000000-0000-0000-0000-000000000000',
        partitionData: [{ index: partition, records }],
      },
    ],
  };
}

function newCluster(partitions: number, storeRecords = true): MemoryCluster {
  return new MemoryCluster({ brokers: 1, storeRecords, topics: { [TOPIC]: { partitions } } });
}

/** Sends every request on one connection and checks each answer; returns the elapsed ms. */
async function appendAll(cluster: MemoryCluster, requests: readonly ProduceRequest[]): Promise<number> {
  let failures = 0;
  const check = (r: Awaited<ReturnType<MemoryCluster['request']>>) => {
    const p = (r as { responses: { partitionResponses: { errorCode: number }[] }[] }).responses[0]!
      .partitionResponses[0]!;
    if (p.errorCode !== 0) failures++;
  };
  const start = performance.now();
  // The cluster serves a request synchronously when its connection is idle; awaiting in chunks
  // keeps the number of pending promises bounded.
  for (let i = 0; i < requests.length; i += 1000) {
    const pending: Promise<void>[] = [];
    for (let j = i; j < Math.min(i + 1000, requests.length); j++) {
      pending.push(cluster.request(1, 'bench', 'Produce', requests[j]!, 11).then(check));
    }
    await Promise.all(pending);
  }
  const elapsed = performance.now() - start;
  if (failures > 0) throw new Error(`broker bench: ${failures} produce requests failed`);
  return elapsed;
}

/**
 * The same requests appended with the batch bytes kept and with offsets only, the two alternating sample by sample,
 * so the offsets-only row's ratio to the other is taken per sample (../ratio-spread.ts).
 */
async function inProcess(
  template: Buffer,
  producers: number,
  partitions: number,
  batches: number,
  samples: number,
): Promise<[InProcessRow, InProcessRow]> {
  const { requests, pairsWritten } = prepareRequests(template, producers, partitions, batches);
  const warmUp = requests.slice(0, Math.min(2000, requests.length));
  for (const keepRecords of [true, false]) await appendAll(newCluster(partitions, keepRecords), warmUp);
  const rates = new Map<boolean, number[]>([
    [true, []],
    [false, []],
  ]);
  for (let s = 0; s < samples; s++) {
    for (const keepRecords of [true, false]) {
      const cluster = newCluster(partitions, keepRecords);
      collectGarbage();
      rates.get(keepRecords)!.push((batches * 1000) / (await appendAll(cluster, requests)));
    }
  }
  const row = (keepRecords: boolean): InProcessRow => {
    const batchesPerSec = median(rates.get(keepRecords)!);
    return {
      suite: 'broker',
      kind: 'in-process',
      producers,
      partitions,
      pairsWritten,
      keepRecords,
      recordsPerBatch: RECORDS_PER_BATCH,
      batches,
      recordsPerSec: Math.round(batchesPerSec * RECORDS_PER_BATCH),
      batchesPerSec: Math.round(batchesPerSec),
      ...vsFields('KeepRecords', keepRecords ? undefined : ratioSpread(rates.get(false)!, rates.get(true)!)),
    };
  };
  return [row(true), row(false)];
}

// ---- memory per producer-partition ----

/**
 * Heap growth per producer-partition after `batchesPerPair` one-record batches each (record bytes
 * are not kept: `storeRecords: false`), with and without producer ids. Requests are made and sent
 * in slices so that they are garbage by the time the heap is measured.
 */
async function measureMemory(pairs: number): Promise<MemoryRow> {
  const batchesPerPair = 5;
  const partitions = 1000;
  const producers = Math.max(1, Math.floor(pairs / partitions));
  const total = producers * partitions;
  const record = { key: null, value: Buffer.from('v'), timestamp: Date.now() };
  const template = encodeRecordBatch({
    records: [record],
    producerId: 0n,
    producerEpoch: 0,
    baseSequence: 0,
  });
  const plain = encodeRecordBatch({
    records: [record],
    producerId: -1n,
    producerEpoch: -1,
    baseSequence: -1,
  });
  const heapGrowth = async (idempotent: boolean): Promise<number> => {
    const cluster = newCluster(partitions, false);
    await settle();
    const before = process.memoryUsage().heapUsed;
    for (let round = 0; round < batchesPerPair; round++) {
      for (let first = 0; first < total; first += 10_000) {
        const pending: Promise<unknown>[] = [];
        for (let pair = first; pair < Math.min(first + 10_000, total); pair++) {
          const producer = pair % producers;
          const partition = Math.floor(pair / producers);
          const records = idempotent
            ? restampRecordBatch(
                template,
                { producerId: 1000n + BigInt(producer), producerEpoch: 0, baseSequence: round },
                { copy: true, verifyCrc: false },
              )
            : plain;
          pending.push(cluster.request(1, 'bench', 'Produce', produceRequest(partition, records), 11));
        }
        await Promise.all(pending);
      }
    }
    await settle();
    const grown = process.memoryUsage().heapUsed - before;
    if (cluster.readLog(TOPIC, 0).logEndOffset !== batchesPerPair * producers) {
      throw new Error('broker bench: the memory run did not append every batch');
    }
    return grown / total;
  };
  const withState = await heapGrowth(true);
  const logOnly = await heapGrowth(false);
  return {
    suite: 'broker',
    kind: 'memory',
    pairs: total,
    batchesPerPair,
    bytesPerPair: Math.round(withState),
    producerStateBytesPerPair: Math.round(withState - logOnly),
  };
}

/** Lets pending callbacks run, then collects garbage twice (weak structures need a second pass). */
async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  collectGarbage();
}

// ---- real clients over TCP ----

const requireHere = createRequire(import.meta.url);

/** Starts the idem-broker CLI in its own process; resolves with its bootstrap servers. */
async function startBrokerProcess(): Promise<{ child: ChildProcess; brokers: string[] }> {
  const pkg = dirname(requireHere.resolve('@idem/memory-broker/package.json'));
  const built = join(pkg, 'dist', 'cli.js');
  // `pnpm bench` builds only this app: without the broker's own build, its CLI runs from source (as `pnpm sim`).
  const cli = existsSync(built)
    ? [built]
    : [
        '--experimental-transform-types',
        '--disable-warning=ExperimentalWarning',
        '--conditions=@idem/source',
        '--import',
        pathToFileURL(join(pkg, '../../tooling/testkit/src/register-ts.mjs')).href,
        join(pkg, 'src', 'cli.ts'),
      ];
  const child = spawn(process.execPath, [...cli, '--port', '0', '--brokers', '3', '--partitions', '6'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (code) => reject(new Error(`idem-broker exited with ${code} before listening`)));
  });
  return { child, brokers: line.split(',') };
}

/** utime + stime of a process in ms, from /proc (Linux); null elsewhere. */
function cpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

const TCP_VALUE_BYTES = 100;

/** One client's timed run on a running broker process (after a warm-up that connects and creates the topic). */
async function tcpSample(
  factory: ProducerFactory,
  brokers: string[],
  serverPid: number,
  records: number,
): Promise<TcpSample> {
  const value = Buffer.alloc(TCP_VALUE_BYTES, 'x');
  const run = await factory(brokers);
  try {
    await run.send(Math.min(2000, records), value);
    const cpuBefore = cpuMs(serverPid);
    const start = performance.now();
    await run.send(records, value);
    const elapsed = performance.now() - start;
    const cpuAfter = cpuMs(serverPid);
    return {
      recordsPerSec: Math.round((records * 1000) / elapsed),
      serverCpuPercent:
        cpuBefore === null || cpuAfter === null ? null : Math.round(((cpuAfter - cpuBefore) * 100) / elapsed),
    };
  } finally {
    await run.close();
  }
}

/** The TCP rows from every client's samples; kafkajs's ratio to librdkafka is taken sample by sample. */
export function tcpRows(
  measured: ReadonlyMap<TcpClient, readonly TcpSample[]>,
  records: number,
  valueBytes: number,
): TcpRow[] {
  const rates = (client: TcpClient) => (measured.get(client) ?? []).map((s) => s.recordsPerSec);
  const rows: TcpRow[] = [];
  for (const [client, samples] of measured) {
    if (samples.length === 0) continue;
    const cpu = samples.map((s) => s.serverCpuPercent);
    rows.push({
      suite: 'broker',
      kind: 'tcp',
      client,
      records,
      valueBytes,
      samples: samples.length,
      recordsPerSec: Math.round(median(rates(client))),
      serverCpuPercent: cpu.some((c) => c === null) ? null : Math.round(median(cpu as number[])),
      ...vsFields(
        'Librdkafka',
        client === 'librdkafka' ? undefined : ratioSpread(rates(client), rates('librdkafka')),
      ),
    });
  }
  return rows;
}

interface ProducerRun {
  send(records: number, value: Buffer): Promise<void>;
  close(): Promise<void>;
}

type ProducerFactory = (brokers: string[]) => Promise<ProducerRun>;

const kafkajsProducer: ProducerFactory = async (brokers) => {
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({ clientId: 'idem-bench', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
  await producer.connect();
  return {
    async send(count, value) {
      for (let i = 0; i < count; i += 1000) {
        const n = Math.min(1000, count - i);
        await producer.send({
          topic: TOPIC,
          messages: Array.from({ length: n }, (_, j) => ({ key: String((i + j) % 64), value })),
        });
      }
    },
    close: () => producer.disconnect(),
  };
};

async function librdkafkaProducer(): Promise<ProducerFactory | null> {
  let module: typeof import('@confluentinc/kafka-javascript');
  try {
    // Loaded by a name only known at run time, so the bundler leaves the native addon alone.
    const name = '@confluentinc/kafka-javascript';
    module = requireHere(name) as typeof import('@confluentinc/kafka-javascript');
  } catch {
    return null;
  }
  const { KafkaJS } = module;
  return async (brokers) => {
    const kafka = new KafkaJS.Kafka({
      kafkaJS: { clientId: 'idem-bench', brokers, logLevel: KafkaJS.logLevel.NOTHING },
    });
    const producer = kafka.producer({ 'enable.idempotence': true, 'linger.ms': 5 });
    await producer.connect();
    return {
      async send(count, value) {
        // Up to 16 sends of 1,000 in flight: librdkafka batches them itself.
        const inFlight = new Set<Promise<unknown>>();
        for (let i = 0; i < count; i += 1000) {
          const n = Math.min(1000, count - i);
          const p = producer.send({
            topic: TOPIC,
            messages: Array.from({ length: n }, (_, j) => ({ key: String((i + j) % 64), value })),
          });
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p));
          if (inFlight.size >= 16) await Promise.race(inFlight);
        }
        await Promise.all(inFlight);
      },
      close: () => producer.disconnect(),
    };
  };
}

// ---- report ----

const fmt = (v: number) => Math.round(v).toLocaleString('en-US');

function formatTable(rows: readonly Row[]): string {
  const lines = ['In-process appends (100 records per batch, idempotence validated, every answer checked):'];
  lines.push(
    `  ${'producers'.padStart(9)} ${'partitions'.padStart(10)} ${'pairs written'.padStart(13)} ${'records/s'.padStart(12)} ${'batches/s'.padStart(10)} ${'offsets only'.padStart(13)}  ${'÷ kept per sample'.padStart(18)}`,
  );
  for (const r of rows) {
    if (r.kind !== 'in-process' || !r.keepRecords) continue;
    const lean = rows.find(
      (x): x is InProcessRow =>
        x.kind === 'in-process' &&
        !x.keepRecords &&
        x.producers === r.producers &&
        x.partitions === r.partitions,
    );
    lines.push(
      `  ${String(r.producers).padStart(9)} ${String(r.partitions).padStart(10)} ${fmt(r.pairsWritten).padStart(13)} ${fmt(r.recordsPerSec).padStart(12)} ${fmt(r.batchesPerSec).padStart(10)} ${(lean ? fmt(lean.recordsPerSec) : '-').padStart(13)}  ${formatSpread(lean?.vsKeepRecordsSpread).padStart(18)}`,
    );
  }
  lines.push(
    '  ("offsets only": storeRecords: false, the logs keep no batch bytes; records/s. The two alternate sample by sample;',
    '   "÷ kept": offsets-only records/s over kept-bytes records/s per sample, median (min–max))',
  );
  for (const r of rows) {
    if (r.kind !== 'memory') continue;
    lines.push(
      '',
      `Memory per producer-partition (${fmt(r.pairs)} pairs, ${r.batchesPerPair} batches each):`,
      `  ${r.producerStateBytesPerPair} bytes of producer state (${r.bytesPerPair} with the log's offset index)`,
    );
  }
  lines.push('', 'TCP server (idem-broker in its own process, 3 brokers, 6 partitions, 100-byte values):');
  lines.push(
    `  ${'client'.padEnd(10)} ${'records/s'.padStart(10)}  ${'÷ librdkafka per sample'.padStart(23)}  server CPU`,
  );
  for (const r of rows) {
    if (r.kind !== 'tcp') continue;
    lines.push(
      `  ${r.client.padEnd(10)} ${fmt(r.recordsPerSec).padStart(10)}  ${(r.client === 'librdkafka' ? '1' : formatSpread(r.vsLibrdkafkaSpread)).padStart(23)}  ${r.serverCpuPercent ?? '?'}% of a core`,
    );
  }
  lines.push(
    '  (medians over the samples; both clients run in each sample on the same fresh broker process, the order alternating;',
    '   kafkajs idempotent allows 1 request in flight, librdkafka 5: each at its own best idempotent setting)',
  );
  lines.push('');
  return lines.join('\n');
}
