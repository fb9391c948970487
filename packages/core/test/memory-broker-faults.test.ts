import { MAX_SEQUENCE } from '@idem/codec';
import { readRecords } from '@idem/memory-broker';
import { describe, expect, it } from 'vitest';
import {
  BrokerRejectedError,
  DeliveryTimeoutError,
  FatalProducerError,
  type ProducerEngineOptions,
  type RecordMetadata,
} from '../src/index.js';
import { burst, ErrorCode } from './support/faults.js';
import { reason, value } from './support/harness.js';
import { createMemoryHarness, type MemoryHarness } from './support/memory-harness.js';

/**
 * Each fault and the outcome it requires (docs/design.md §"The decision table"), and failures seen in other JavaScript
 * clients, against @idem/memory-broker's
 * fault injection: Kafka's own producer-state rules, connection resets that fail everything in flight on a
 * connection, responses answered in order per connection.
 */

const ONE_PER_BATCH: Partial<ProducerEngineOptions> = { batchSize: 100, lingerMs: 0 };

function harness(
  partitions = 1,
  options: Partial<ProducerEngineOptions> = {},
  cluster: Parameters<typeof createMemoryHarness>[0] = {},
): MemoryHarness {
  return createMemoryHarness(
    { brokers: 1, topics: { t: { partitions } }, ...cluster },
    { lingerMs: 0, ...options },
  );
}

async function warm(h: MemoryHarness, partitions: number[] = [0]): Promise<void> {
  value(
    await h.settle(
      Promise.all(partitions.map((p) => h.producer.send({ topic: 't', partition: p, value: `w${p}` }))),
    ),
  );
}

describe('fault → required outcome, on the memory broker', () => {
  it('ack lost (connection reset) with batches pipelined: retried with identical identity, original offsets, no dup', async () => {
    const h = harness(1, ONE_PER_BATCH);
    await warm(h);
    h.cluster.faults.loseResponse({ api: 'Produce', topic: 't' });
    const results = value(await h.settle(Promise.all(burst(h, 5))));
    expect(h.values('t', 0)).toEqual(['w0', 'v0', 'v1', 'v2', 'v3', 'v4']);
    expect(results.map((r) => r.offset)).toEqual([1n, 2n, 3n, 4n, 5n]);
    const bySequence = new Map<number, Set<string>>();
    for (const b of h.sent()) {
      const set = bySequence.get(b.baseSequence) ?? new Set();
      set.add(`${b.producerId}/${b.epoch}/${b.count}`);
      bySequence.set(b.baseSequence, set);
    }
    for (const identities of bySequence.values()) expect(identities.size).toBe(1);
    expect(h.sent().filter((b) => b.baseSequence === 1).length).toBeGreaterThanOrEqual(2);
  });

  it('sends during the retry backoff get new sequences; none is acked with the lost batch’s offset (b5, b10)', async () => {
    const h = harness(1, { ...ONE_PER_BATCH, retryBackoffMs: 50 });
    await warm(h);
    h.cluster.faults.loseResponse({ api: 'Produce', topic: 't' });
    const first = h.producer.send({ topic: 't', partition: 0, value: 'A' });
    await h.runUntil(() => (h.events.retry?.length ?? 0) > 0);
    const later = burst(h, 3, 'B');
    const results = value(await h.settle(Promise.all([first, ...later])));
    expect(h.values('t', 0)).toEqual(['w0', 'A', 'B0', 'B1', 'B2']);
    expect(new Set(results.map((r) => r.offset)).size).toBe(4);
    expect(h.sent().map((b) => b.baseSequence)).toEqual(expect.arrayContaining([1, 1, 2, 3, 4]));
  });

  it.each(['2.5-4.4', '4.5+'] as const)(
    'NOT_LEADER on batch 0 of a fresh partition (%s rules): never pipelined before the first ack, order 0,1 (o1)',
    async (profile) => {
      const h = harness(1, ONE_PER_BATCH, { profile });
      h.cluster.faults.injectError({ api: 'Produce', topic: 't', partition: 0 }, ErrorCode.NOT_LEADER);
      const results = value(await h.settle(Promise.all(burst(h, 5))));
      expect(h.values('t', 0)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
      expect(results.map((r) => r.offset)).toEqual([0n, 1n, 2n, 3n, 4n]);
      expect(h.requests.slice(0, 2).map((r) => r.batches.map((b) => b.baseSequence))).toEqual([[0], [0]]);
    },
  );

  it('45 on the head batch: dataLoss, epoch bump for that partition only; the other keeps its epoch (o3, o4)', async () => {
    const h = harness(2, ONE_PER_BATCH);
    await warm(h, [0, 1]);
    h.cluster.faults.injectError({ api: 'Produce', topic: 't', partition: 0 }, ErrorCode.OUT_OF_ORDER);
    value(await h.settle(Promise.all([...burst(h, 2, 'a', 0), ...burst(h, 2, 'b', 1)])));
    expect(h.events.dataLoss).toEqual([expect.objectContaining({ partition: 0, reason: 'sequenceGap' })]);
    expect(h.events.epochBump).toEqual([
      expect.objectContaining({ epoch: 1, partitions: [{ topic: 't', partition: 0 }] }),
    ]);
    expect(h.values('t', 0)).toEqual(['w0', 'a0', 'a1']);
    expect(h.values('t', 1)).toEqual(['w1', 'b0', 'b1']);
    const p0 = readRecords(h.cluster, 't', 0);
    expect(p0.slice(1).map((r) => [r.producerEpoch, r.sequence])).toEqual([
      [1, 0],
      [1, 1],
    ]);
  });

  it('45 behind an earlier retriable failure: retried unchanged, no bump (o4, librdkafka #4972)', async () => {
    const h = harness(1, ONE_PER_BATCH);
    await warm(h);
    h.cluster.faults.injectError({ api: 'Produce', topic: 't', partition: 0 }, ErrorCode.NOT_LEADER);
    value(await h.settle(Promise.all(burst(h, 5))));
    expect(h.values('t', 0)).toEqual(['w0', 'v0', 'v1', 'v2', 'v3', 'v4']);
    expect(h.events.epochBump ?? []).toHaveLength(0);
    expect(h.events.dataLoss ?? []).toHaveLength(0);
  });

  it('non-retriable error on the retry of a possibly-written batch: held, then proven written by the later batches (defect 1)', async () => {
    const h = harness(1, ONE_PER_BATCH);
    await warm(h);
    h.cluster.faults.loseResponse({ api: 'Produce', topic: 't' });
    const sends = burst(h, 3);
    // The lost request carried v0; after the reset everything is retried head first. v1's retry is rejected.
    await h.runUntil(() => (h.events.retry?.length ?? 0) > 0);
    h.cluster.faults.injectError({ api: 'Produce', topic: 't', partition: 0 }, ErrorCode.INVALID_RECORD);
    const settled = value(await h.settle(Promise.allSettled(sends)));
    const firstRetryOfV0 = h.sent().filter((b) => b.baseSequence === 1);
    expect(new Set(firstRetryOfV0.map((b) => b.epoch))).toEqual(new Set([0]));
    // Before the unknown-fate rule the refused batch was failed as not written and the later ones renumbered
    // under a new epoch, although they were in the log already: duplicates.
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    expect(h.values('t', 0)).toEqual(['w0', 'v0', 'v1', 'v2']);
    expect(h.events.epochBump ?? []).toHaveLength(0);
  });

  it('59 without a log start offset is retried as it is, without a bump', async () => {
    const h = harness(1);
    await warm(h);
    h.cluster.faults.injectError({ api: 'Produce', topic: 't', partition: 0 }, ErrorCode.UNKNOWN_PRODUCER_ID);
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    expect(h.events.epochBump ?? []).toHaveLength(0);
    expect(h.values('t', 0)).toEqual(['w0', 'b']);
  });

  it('59 from a pre-2.5 broker that lost our state: dataLoss event, bump, continues (b2, b11)', async () => {
    const h = harness(1);
    await warm(h);
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    h.cluster.faults.legacyBroker('2.0-2.4');
    h.cluster.restartBroker(1, { producerState: 'lost' });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'c' })));
    expect(h.events.dataLoss).toEqual([expect.objectContaining({ reason: 'unknownProducerId' })]);
    expect(h.events.epochBump).toHaveLength(1);
    expect(h.values('t', 0)).toEqual(['w0', 'a', 'b', 'c']);
  });

  it('a broker restart that keeps producer state (snapshot) turns an old retry into 45 only under a real gap', async () => {
    const h = harness(1, ONE_PER_BATCH);
    await warm(h);
    h.cluster.restartBroker(1, { producerState: 'snapshot' });
    value(await h.settle(Promise.all(burst(h, 5))));
    expect(h.values('t', 0)).toEqual(['w0', 'v0', 'v1', 'v2', 'v3', 'v4']);
    expect(h.events.dataLoss ?? []).toHaveLength(0);
  });

  it('47: the batch fails, the epoch is bumped, the breach is reported; later sends succeed', async () => {
    const h = harness(1);
    await warm(h);
    h.cluster.faults.injectError(
      { api: 'Produce', topic: 't', partition: 0 },
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
    expect(reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'x' })))).toBeInstanceOf(
      BrokerRejectedError,
    );
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'y' })));
    expect(h.events.error).toEqual([expect.objectContaining({ fatal: false })]);
    expect(h.values('t', 0)).toEqual(['w0', 'y']);
  });

  it('90: fatal, pending and later sends fail typed', async () => {
    const h = harness(1);
    await warm(h);
    h.cluster.faults.injectError({ api: 'Produce', topic: 't', partition: 0 }, ErrorCode.PRODUCER_FENCED);
    const failed = reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'x' })));
    expect(failed).toBeInstanceOf(FatalProducerError);
    expect(reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'y' })))).toBeInstanceOf(
      FatalProducerError,
    );
    expect(h.producer.state.status).toBe('fatal');
  });

  it('46 from a 1.0-1.1 broker on a retry older than the cache: success with offset -1 (b16)', async () => {
    const h = harness(1, ONE_PER_BATCH);
    h.cluster.faults.legacyBroker('1.0-1.1');
    h.cluster.faults.injectError({ api: 'Produce', topic: 't', partition: 0 }, ErrorCode.DUPLICATE_SEQUENCE);
    const result = value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    expect(result.offset).toBe(-1n);
  });

  it('delivery timeout with an unknown outcome: possiblyPersisted failure, partition unresolved until its in-flight drains, then a new epoch', async () => {
    const h = harness(1, { requestTimeoutMs: 1000, deliveryTimeoutMs: 1500 });
    await warm(h);
    h.cluster.faults.loseResponse({ api: 'Produce', topic: 't' }, { count: 2, afterwards: 'blackhole' });
    const failed = reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    expect(failed).toBeInstanceOf(DeliveryTimeoutError);
    expect(failed).toMatchObject({ possiblyPersisted: true });
    expect(h.producer.state.partitions[0]?.unresolved).toBe(true);
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'c' })));
    expect(h.producer.state.partitions[0]?.unresolved).toBe(false);
    expect(h.values('t', 0)).toEqual(['w0', 'b', 'c']);
  });

  it('leader moves with 5 batches in flight: the old leader drains first, retries keep their identity', async () => {
    const h = createMemoryHarness(
      { brokers: 2, topics: { t: { partitions: 1, leaders: [1] } } },
      ONE_PER_BATCH,
    );
    await warm(h);
    h.cluster.faults.delayResponses({ api: 'Produce' }, { ms: 10, count: 5 });
    const sends = burst(h, 5);
    await h.runUntil(() => h.requests.length >= 6);
    h.cluster.faults.moveLeader('t', 0, 2);
    const results = value(await h.settle(Promise.all([...sends, ...burst(h, 3, 'n')])));
    expect(h.values('t', 0)).toEqual(['w0', 'v0', 'v1', 'v2', 'v3', 'v4', 'n0', 'n1', 'n2']);
    expect(results.map((r) => r.offset)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    const firstToNode2 = h.requests.findIndex((r) => r.node === 2);
    const node1Pending = h.requests.slice(firstToNode2).some((r) => r.node === 1);
    expect(node1Pending).toBe(false);
  });

  it('sequences wrap at 2^31-1 with straddling batches, 5 in flight, 3 partitions (b4, b13, o10)', async () => {
    const h = createMemoryHarness(
      { brokers: 1, topics: { t: { partitions: 3 } } },
      { batchSize: 61 + 4 * 30, lingerMs: 0, firstSequence: (_, p) => MAX_SEQUENCE - 5 - p },
    );
    const records = Array.from({ length: 90 }, (_, i) => ({ topic: 't', partition: i % 3, value: `v${i}` }));
    value(await h.settle(Promise.all(records.map((r) => h.producer.send(r)))));
    for (let p = 0; p < 3; p++) {
      const log = readRecords(h.cluster, 't', p);
      expect(log.map((r) => r.value)).toEqual(records.filter((r) => r.partition === p).map((r) => r.value));
      expect(log.some((r) => r.sequence === MAX_SEQUENCE)).toBe(true);
    }
    expect(h.sent().some((b) => b.baseSequence > MAX_SEQUENCE - b.count + 1)).toBe(true);
    expect(h.events.dataLoss ?? []).toHaveLength(0);
    expect(Math.max(...h.requests.map((r) => r.batches.length))).toBeGreaterThan(0);
  });

  it('InitProducerId to a hung broker fails over to another one (b14, o12)', async () => {
    const h = createMemoryHarness(
      { brokers: 3, topics: { t: { partitions: 1 } } },
      { lingerMs: 0, requestTimeoutMs: 1000 },
    );
    h.cluster.faults.loseResponse(
      { api: 'InitProducerId', nodeId: 1 },
      { count: 100, afterwards: 'blackhole' },
    );
    h.cluster.faults.loseResponse(
      { api: 'InitProducerId', nodeId: 2 },
      { count: 100, afterwards: 'blackhole' },
    );
    value(await h.settle(h.producer.send({ topic: 't', value: 'a' })));
    expect(h.values('t', 0)).toEqual(['a']);
  });

  it('a Metadata request that is never answered does not wedge the connection behind it', async () => {
    const h = createMemoryHarness(
      { brokers: 1, topics: { t: { partitions: 1 }, u: { partitions: 1 } } },
      { lingerMs: 0, requestTimeoutMs: 500, maxBlockMs: 5000 },
    );
    value(await h.settle(h.producer.send({ topic: 't', value: 'a' })));
    h.cluster.faults.loseRequest({ api: 'Metadata' }, { afterwards: 'blackhole' });
    // A new topic needs metadata; the first answer never comes and the connection stays busy until dropped.
    value(await h.settle(h.producer.send({ topic: 'u', value: 'b' })));
    expect(h.values('u', 0)).toEqual(['b']);
  });

  it('COORDINATOR_LOAD_IN_PROGRESS on InitProducerId is retried', async () => {
    const h = harness(1);
    h.cluster.faults.producerIdNotReady({ count: 3 });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    expect(h.values('t', 0)).toEqual(['a']);
  });
});

describe('failures of other JavaScript clients, on the memory broker', () => {
  it('b1: sending every millisecond through broker restarts never wedges the producer', async () => {
    const h = harness(1, { lingerMs: 1 });
    const sends: Promise<RecordMetadata>[] = [];
    for (let i = 0; i < 60; i++) {
      sends.push(h.producer.send({ topic: 't', partition: 0, value: `v${i}` }));
      if (i === 20) h.cluster.restartBroker(1, { producerState: 'clean' });
      if (i === 40) h.cluster.restartBroker(1, { producerState: 'clean', downMs: 50 });
      await h.runUntil(() => true);
      h.scheduler.clock.advance(1);
    }
    const results = value(await h.settle(Promise.allSettled(sends)));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(h.values('t', 0)).toEqual(Array.from({ length: 60 }, (_, i) => `v${i}`));
  });

  it('b3: five produce requests in flight to one broker', async () => {
    const h = harness(3, { batchSize: 200 });
    await warm(h, [0, 1, 2]);
    h.cluster.faults.delayResponses({ api: 'Produce' }, { ms: 5, count: Number.POSITIVE_INFINITY });
    let completed = h.requests.length;
    h.producer.on('request', () => completed++);
    let most = 0;
    const sends = Array.from({ length: 3000 }, (_, i) =>
      h.producer.send({ topic: 't', partition: i % 3, value: `v${i}` }),
    );
    let done = false;
    void Promise.all(sends).then(() => {
      done = true;
    });
    await h.runUntil(() => {
      most = Math.max(most, h.requests.length - completed);
      return done;
    });
    expect(most).toBe(5);
  });

  it('b6: unkeyed records keep their partition across a lost-ack retry; no duplicates', async () => {
    const h = harness(2);
    h.cluster.faults.loseResponse({ api: 'Produce' });
    const results = value(
      await h.settle(h.producer.send(Array.from({ length: 10 }, (_, i) => ({ topic: 't', value: `k${i}` })))),
    );
    expect(new Set(results.map((r) => r.partition)).size).toBe(1);
    expect(h.values('t', 0).length + h.values('t', 1).length).toBe(10);
  });

  it('b7: one OUT_OF_ORDER does not poison the partition', async () => {
    const h = harness(1);
    await warm(h);
    h.cluster.faults.injectError({ api: 'Produce', topic: 't', partition: 0 }, ErrorCode.OUT_OF_ORDER);
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    value(await h.settle(Promise.all(burst(h, 10))));
    expect(h.values('t', 0)).toHaveLength(12);
  });

  it('b10: 200 concurrent single-record sends get 200 distinct offsets', async () => {
    const h = harness(1);
    const results = value(await h.settle(Promise.all(burst(h, 200))));
    expect(new Set(results.map((r) => r.offset)).size).toBe(200);
    expect(h.values('t', 0)).toEqual(Array.from({ length: 200 }, (_, i) => `v${i}`));
  });

  it('b17: the batch after a bump carries epoch + 1 under the same producer id, from sequence 0', async () => {
    const h = harness(1);
    await warm(h);
    h.cluster.faults.injectError({ api: 'Produce', topic: 't', partition: 0 }, ErrorCode.OUT_OF_ORDER);
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    const sent = h.sent();
    expect(sent.at(-1)).toMatchObject({ producerId: sent[0]!.producerId, epoch: 1, baseSequence: 0 });
  });
});
