/**
 * What every real-client test checks: the client produced RECORDS values idempotently (every stored
 * batch carries a producer id and sequences follow on per partition, so nothing was appended twice)
 * and its consumer read each record exactly once, in offset order per partition, with the values in
 * the order they were sent.
 */
import { readRecordBatch } from '@idem/codec';
import { expect } from 'vitest';
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
