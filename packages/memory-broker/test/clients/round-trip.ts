/**
 * What every real-client test checks: the client produced RECORDS values idempotently (every stored
 * batch carries a producer id and sequences follow on per partition, so nothing was appended twice)
 * and its consumer read each record exactly once, in offset order per partition, with the values in
 * the order they were sent.
 */
import { readRecordBatch } from '@idem/codec';
import { afterEach, describe, expect, it } from 'vitest';
import type { MemoryCluster } from '../../src/cluster/memory-cluster.js';
import { MemoryBrokerServer } from '../../src/server/broker-server.js';
import type { BrokerServerLogger } from '../../src/server/logger.js';

export const RECORDS = 10_000;
export const PARTITIONS = 6;
export const BROKERS = 3;

/** Value of the i-th record sent: its index, so order can be checked per partition. */
export const recordValue = (i: number): string => `value-${i}`;
export const recordKey = (i: number): string => `key-${i % 101}`;

export interface Consumed {
  readonly partition: number;
  readonly offset: bigint;
  readonly value: string;
}

export interface TestBroker {
  readonly server: MemoryBrokerServer;
  readonly cluster: MemoryCluster;
  readonly brokers: string[];
  /** Everything the server logged: a client that sent an API or version it does not serve shows up here. */
  readonly logged: string[];
}

/** The RECORDS records in send order, in sends of 500: `key` and `value` of each. */
export function* recordSends(): Generator<{ key: string; value: string }[]> {
  for (let i = 0; i < RECORDS; i += 500) {
    yield Array.from({ length: 500 }, (_, j) => ({
      key: recordKey(i + j),
      value: recordValue(i + j),
    }));
  }
}

/** A KafkaJS-style `eachMessage` (kafkajs, and librdkafka's KafkaJS API) that pushes each record onto `consumed`. */
export function eachMessageInto(consumed: Consumed[]) {
  return async ({
    partition,
    message,
  }: {
    partition: number;
    message: { offset: string; value: Buffer | null };
  }): Promise<void> => {
    consumed.push({ partition, offset: BigInt(message.offset), value: message.value!.toString() });
  };
}

/** One real client, made for a started broker. */
export interface RoundTripClient {
  /** Sends `recordSends()` to the topic with an idempotent producer, and closes it. */
  produce(): Promise<void>;
  /**
   * Reads the topic from the beginning with a group consumer, pushing each record onto `consumed`; awaits
   * `delivered()` (every record in, then a pause in which a duplicate would arrive) before closing it.
   */
  consume(consumed: Consumed[], delivered: () => Promise<void>): Promise<void>;
}

/**
 * The round trip of one client: a broker with `topic` started, `client` made for it produces, the log is
 * checked (idempotent, every record once), the client consumes, what it read is checked (exactly once, in
 * order), and the server logged nothing. The broker is closed after the test.
 */
export function describeRoundTrip(
  title: string,
  topic: string,
  client: (broker: TestBroker) => RoundTripClient,
): void {
  let broker: TestBroker | undefined;

  afterEach(async () => {
    await broker?.server.close();
    broker = undefined;
  });

  describe(title, () => {
    it('produces 10,000 records idempotently and consumes them back exactly once, in order', async () => {
      broker = await startBroker(topic);
      const made = client(broker);
      await made.produce();
      expectIdempotentLog(broker.cluster, topic);

      const consumed: Consumed[] = [];
      await made.consume(consumed, async () => {
        await waitFor('10,000 records', () => consumed.length >= RECORDS, 30_000);
        // Anything more (a duplicate delivery) would arrive now.
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
      expectExactlyOnceInOrder(broker.cluster, topic, consumed);
      expect(broker.logged).toEqual([]);
    }, 60_000);
  });
}

export async function startBroker(topic: string): Promise<TestBroker> {
  const logged: string[] = [];
  const logger: BrokerServerLogger = {
    info: (m) => logged.push(`info: ${m}`),
    warn: (m) => logged.push(`warn: ${m}`),
  };
  const server = await MemoryBrokerServer.start({
    brokers: BROKERS,
    topics: { [topic]: { partitions: PARTITIONS } },
    logger,
  });
  return { server, cluster: server.cluster, brokers: server.bootstrapServers.split(','), logged };
}

/** Polls `done` every 20 ms until it holds, failing after `ms`. */
export async function waitFor(what: string, done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The broker's side: every record stored once, in idempotent batches with unbroken sequences. */
export function expectIdempotentLog(cluster: MemoryCluster, topic: string): void {
  let total = 0;
  for (let p = 0; p < cluster.partitionCount(topic); p++) {
    const log = cluster.readLog(topic, p);
    const next = new Map<bigint, number>();
    for (const stored of log.batches) {
      const batch = readRecordBatch(stored.bytes!);
      expect(
        batch.producerId,
        `${topic}-${p} batch at ${stored.baseOffset} is not idempotent`,
      ).toBeGreaterThanOrEqual(0n);
      const expected = next.get(batch.producerId) ?? 0;
      expect(batch.baseSequence, `${topic}-${p} sequence gap at offset ${stored.baseOffset}`).toBe(expected);
      next.set(batch.producerId, batch.baseSequence + batch.recordCount);
    }
    total += log.logEndOffset;
  }
  expect(total).toBe(RECORDS);
}

/** The consumer's side: exactly once, offsets 0.. without gaps per partition, values in send order. */
export function expectExactlyOnceInOrder(
  cluster: MemoryCluster,
  topic: string,
  consumed: readonly Consumed[],
): void {
  expect(consumed).toHaveLength(RECORDS);
  expect(new Set(consumed.map((c) => c.value)).size).toBe(RECORDS);
  const byPartition = new Map<number, Consumed[]>();
  for (const c of consumed) {
    const list = byPartition.get(c.partition) ?? [];
    list.push(c);
    byPartition.set(c.partition, list);
  }
  for (const [partition, list] of byPartition) {
    expect(list.map((c) => c.offset)).toEqual(list.map((_, i) => BigInt(i)));
    const indexes = list.map((c) => Number(c.value.slice('value-'.length)));
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
    expect(list).toHaveLength(cluster.readLog(topic, partition).logEndOffset);
  }
  // The keys spread the records over more than one partition, so ordering was checked per partition.
  expect(byPartition.size).toBeGreaterThan(1);
}
