import { MAX_SEQUENCE } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import {
  BrokerRejectedError,
  DeliveryTimeoutError,
  FatalProducerError,
  isIdemError,
  type RecordMetadata,
} from '../src/index.js';
import { burst, ErrorCode } from './support/faults.js';
import { createHarness, reason, value } from './support/harness.js';

const all = <T>(promises: Promise<T>[]) => Promise.allSettled(promises);

describe('fault → required outcome', () => {
  it('lost response after append with 4 more in flight: same bytes retried, original offset, no dup (b5, o7)', async () => {
    // batchSize 1 record per batch so five batches pipeline.
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { batchSize: 80, lingerMs: 0 });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'warm' })));
    h.cluster.produceFaults.push({ fault: 'dropResponse' });
    const results = value(await h.settle(Promise.all(burst(h, 5))));
    expect(h.cluster.values('t', 0)).toEqual(['warm', 'v0', 'v1', 'v2', 'v3', 'v4']);
    expect(results.map((r) => r.offset)).toEqual([1n, 2n, 3n, 4n, 5n]);
    // The retry of v0 carried the same identity as the first attempt.
    const attempts = h.cluster.produceLog.flatMap((r) => r.batches).filter((b) => b.baseSequence === 1);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(attempts.map((b) => `${b.producerId}/${b.epoch}/${b.count}`)).size).toBe(1);
    expect(h.cluster.maxOutstanding).toBeGreaterThan(1);
  });

  it('sends made during the backoff get new sequences after the lost batch; none shares its offset (b5, b10)', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } } },
      { batchSize: 80, lingerMs: 0, retryBackoffMs: 50 },
    );
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'warm' })));
    h.cluster.produceFaults.push({ fault: 'dropResponse' });
    const first = h.producer.send({ topic: 't', partition: 0, value: 'A' });
    let later: Promise<RecordMetadata>[] = [];
    await h.runUntil(() => (h.events.retry?.length ?? 0) > 0);
    later = burst(h, 3, 'B');
    const results = value(await h.settle(Promise.all([first, ...later])));
    expect(h.cluster.values('t', 0)).toEqual(['warm', 'A', 'B0', 'B1', 'B2']);
    expect(new Set(results.map((r) => r.offset)).size).toBe(4);
    const sequences = h.cluster.produceLog.flatMap((r) => r.batches).map((b) => b.baseSequence);
    expect(sequences.filter((s) => s === 1).length).toBeGreaterThanOrEqual(2); // A was retried as seq 1
    expect(Math.max(...sequences)).toBe(4);
  });

  it('never pipelines before the first ack on a partition (KAFKA-14359, o1), so NOT_LEADER on batch 0 cannot reorder', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } }, nodes: [1, 2] },
      { batchSize: 80, lingerMs: 0 },
    );
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: ErrorCode.NOT_LEADER, times: 1 });
    const results = value(await h.settle(Promise.all(burst(h, 5))));
    expect(h.cluster.values('t', 0)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
    expect(results.map((r) => r.offset)).toEqual([0n, 1n, 2n, 3n, 4n]);
    const firstRequests = h.cluster.produceLog.slice(0, 2);
    // The first two requests both carry sequence 0: the retry went before anything else was sent.
    expect(firstRequests.map((r) => r.batches[0]?.baseSequence)).toEqual([0, 0]);
  });

  it('keeps order 0,1 on a Kafka 4.5 broker that rejects a non-zero first sequence on an empty partition', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } }, rejectNonZeroOnEmpty: true },
      { batchSize: 80, lingerMs: 0 },
    );
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: ErrorCode.NOT_LEADER, times: 1 });
    value(await h.settle(Promise.all(burst(h, 2))));
    expect(h.cluster.values('t', 0)).toEqual(['v0', 'v1']);
  });

  it('45 on the head batch (truncation): dataLoss, epoch bump for that partition only, others keep their epoch (o3, o4)', async () => {
    const h = createHarness({ topics: { t: { partitions: 2 } } }, { batchSize: 80, lingerMs: 0 });
    value(await h.settle(Promise.all([...burst(h, 3, 'a', 0), ...burst(h, 3, 'b', 1)])));
    // Unclean leader election lost the last two records of partition 0.
    h.cluster.truncate('t', 0, 1);
    const results = value(await h.settle(Promise.all([...burst(h, 2, 'c', 0), ...burst(h, 2, 'd', 1)])));
    expect(h.events.dataLoss).toEqual([
      expect.objectContaining({ topic: 't', partition: 0, reason: 'sequenceGap' }),
    ]);
    expect(h.events.epochBump).toEqual([
      expect.objectContaining({ epoch: 1, previousEpoch: 0, partitions: [{ topic: 't', partition: 0 }] }),
    ]);
    expect(h.cluster.values('t', 0)).toEqual(['a0', 'c0', 'c1']);
    expect(h.cluster.values('t', 1)).toEqual(['b0', 'b1', 'b2', 'd0', 'd1']);
    expect(results).toHaveLength(4);
    // Partition 0 restarted at sequence 0 under epoch 1; partition 1 kept epoch 0 for batches already stamped.
    const state = h.producer.state;
    expect(state.partitions.find((p) => p.partition === 0)).toMatchObject({ epoch: 1, nextSequence: 2 });
    const p1Batches = h.cluster.produceLog.flatMap((r) => r.batches).filter((b) => b.partition === 1);
    expect(p1Batches.every((b) => b.epoch === 0 || b.baseSequence === 0 || b.epoch === 1)).toBe(true);
  });

  it('45 on a non-head batch after an earlier retriable failure is retried unchanged, without a bump (o4)', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { batchSize: 80, lingerMs: 0 });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'warm' })));
    // Batch at sequence 1 fails retriably; the broker then answers 45 for 2..5 (gap).
    h.cluster.errorRules.push({
      topic: 't',
      partition: 0,
      code: ErrorCode.NOT_LEADER,
      times: 1,
      sequence: 1,
    });
    value(await h.settle(Promise.all(burst(h, 5))));
    expect(h.cluster.values('t', 0)).toEqual(['warm', 'v0', 'v1', 'v2', 'v3', 'v4']);
    expect(h.events.epochBump ?? []).toHaveLength(0);
    expect(h.events.dataLoss ?? []).toHaveLength(0);
  });

  it('a non-retriable error on batch k while k-1 has an unknown outcome: k-1 resolves first and is never renumbered (o2)', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { batchSize: 80, lingerMs: 0 });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'warm' })));
    h.cluster.produceFaults.push({ fault: 'dropResponse' }); // v0 appended, answer lost
    h.cluster.errorRules.push({
      topic: 't',
      partition: 0,
      code: ErrorCode.INVALID_RECORD,
      times: 1,
      sequence: 2,
    });
    const results = await h.settle(all(burst(h, 4)));
    const settled = value(results);
    expect(settled[0]).toMatchObject({ status: 'fulfilled', value: { offset: 1n } });
    expect(reason(settled[1]!)).toBeInstanceOf(BrokerRejectedError);
    expect((reason(settled[1]!) as BrokerRejectedError).kafkaCode).toBe(ErrorCode.INVALID_RECORD);
    expect(settled[2]?.status).toBe('fulfilled');
    expect(settled[3]?.status).toBe('fulfilled');
    expect(h.cluster.values('t', 0)).toEqual(['warm', 'v0', 'v2', 'v3']);
    // v0 (sequence 1) was only ever sent as sequence 1 under epoch 0.
    const v0 = h.cluster.produceLog
      .flatMap((r) => r.batches)
      .filter((b) => b.epoch === 0 && b.baseSequence === 1);
    expect(v0.length).toBeGreaterThanOrEqual(1);
    expect(h.events.epochBump).toHaveLength(1);
  });

  it('59 with logStartOffset above the last acked offset: silent bump, no data loss (o11)', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0 });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    h.cluster.errorRules.push({
      topic: 't',
      partition: 0,
      code: ErrorCode.UNKNOWN_PRODUCER_ID,
      times: 1,
      logStartOffset: 5n,
    });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    expect(h.events.dataLoss ?? []).toHaveLength(0);
    expect(h.events.epochBump).toHaveLength(1);
    expect(h.cluster.values('t', 0)).toEqual(['a', 'b']);
  });

  it('59 with acked data above the log start: dataLoss event, bump, continues (b2, b11)', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0 });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    h.cluster.errorRules.push({
      topic: 't',
      partition: 0,
      code: ErrorCode.UNKNOWN_PRODUCER_ID,
      times: 1,
      logStartOffset: 0n,
    });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'c' })));
    expect(h.events.dataLoss).toEqual([expect.objectContaining({ reason: 'unknownProducerId' })]);
    expect(h.cluster.values('t', 0)).toEqual(['a', 'b', 'c']);
  });

  it('47 fails the batch, bumps, and reports the invariant breach; later sends succeed', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0 });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: ErrorCode.INVALID_PRODUCER_EPOCH, times: 1 });
    const failed = reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    expect(failed).toBeInstanceOf(BrokerRejectedError);
    expect(h.events.error).toEqual([expect.objectContaining({ fatal: false })]);
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'c' })));
    expect(h.events.epochBump).toHaveLength(1);
    expect(h.cluster.values('t', 0)).toEqual(['a', 'c']);
  });

  it('90 is fatal: pending sends fail typed, later sends are refused', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0 });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: ErrorCode.PRODUCER_FENCED, times: 1 });
    const failed = reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    expect(failed).toBeInstanceOf(FatalProducerError);
    expect((failed as FatalProducerError).reason).toBe('fenced');
    const refused = reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'c' })));
    expect(refused).toBeInstanceOf(FatalProducerError);
    expect(h.producer.state.status).toBe('fatal');
    expect(h.cluster.values('t', 0)).toEqual(['a']);
  });

  it('46 on a retry is success with offset -1 (b16)', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0 });
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: ErrorCode.DUPLICATE_SEQUENCE, times: 1 });
    const result = value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    expect(result.offset).toBe(-1n);
  });

  it('delivery timeout with unknown outcome: settles possibly persisted at the deadline, never later', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } } },
      { lingerMs: 0, requestTimeoutMs: 1000, deliveryTimeoutMs: 2000 },
    );
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    const sentAt = h.scheduler.clock.now();
    for (let i = 0; i < 6; i++) h.cluster.produceFaults.push({ fault: 'hangAfterAppend' });
    const failed = reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    expect(failed).toBeInstanceOf(DeliveryTimeoutError);
    expect(failed).toMatchObject({ possiblyPersisted: true });
    expect(h.scheduler.clock.now() - sentAt).toBeLessThanOrEqual(2000);
    expect(h.cluster.values('t', 0)).toEqual(['a', 'b']);
    // flush and close settle too.
    expect((await h.settle(h.producer.flush())).status).toBe('fulfilled');
    expect((await h.settle(h.producer.close())).status).toBe('fulfilled');
  });

  it('bounded delivery: possiblyPersisted failure, then a late-ack event once the broker confirms the write', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } } },
      { lingerMs: 0, requestTimeoutMs: 1000, deliveryTimeoutMs: 1500, batchSize: 80 },
    );
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    // b is appended but its answer is lost; its retry hangs past the delivery timeout. c, sent right behind b,
    // is acknowledged: contiguity proves b was written.
    h.cluster.produceFaults.push({ fault: 'dropResponse' });
    const b = h.producer.send({ topic: 't', partition: 0, value: 'b' });
    const c = h.producer.send({ topic: 't', partition: 0, value: 'c' });
    await h.runUntil(() => h.cluster.produceLog.length === 3);
    h.cluster.produceFaults.push({ fault: 'hangAfterAppend' });
    const failed = reason(await h.settle(b));
    expect(failed).toBeInstanceOf(DeliveryTimeoutError);
    expect((failed as DeliveryTimeoutError).possiblyPersisted).toBe(true);
    expect(value(await h.settle(c)).offset).toBe(2n);
    expect(h.events.lateAck).toEqual([expect.objectContaining({ baseSequence: 1, recordCount: 1 })]);
    expect(h.producer.state.partitions[0]?.unresolved).toBe(false);
    expect(h.cluster.values('t', 0)).toEqual(['a', 'b', 'c']);
  });

  it('bounded delivery when the batch was never written: the next batch proves it and the partition moves on', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } } },
      { lingerMs: 0, requestTimeoutMs: 1000, deliveryTimeoutMs: 1500 },
    );
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    h.cluster.produceFaults.push({ fault: 'hang' });
    h.cluster.produceFaults.push({ fault: 'hang' });
    const failed = reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    expect((failed as DeliveryTimeoutError).possiblyPersisted).toBe(true);
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'c' })));
    expect(h.cluster.values('t', 0)).toEqual(['a', 'c']);
    expect(h.events.lateAck ?? []).toHaveLength(0);
  });

  it('leader moves with 5 batches in flight: old requests drain first, retries keep their identity', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } }, nodes: [1, 2], latencyMs: 5 },
      { batchSize: 80, lingerMs: 0 },
    );
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'warm' })));
    const sends = burst(h, 5);
    await h.runUntil(() => h.cluster.produceLog.length >= 6);
    h.cluster.moveLeader('t', 0, 2);
    const results = value(await h.settle(Promise.all([...sends, ...burst(h, 3, 'n')])));
    expect(h.cluster.values('t', 0)).toEqual(['warm', 'v0', 'v1', 'v2', 'v3', 'v4', 'n0', 'n1', 'n2']);
    expect(results.map((r) => r.offset)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    const toNode2 = h.cluster.produceLog.filter((r) => r.node === 2).flatMap((r) => r.batches);
    const toNode1 = h.cluster.produceLog.filter((r) => r.node === 1).flatMap((r) => r.batches);
    for (const retry of toNode2.filter((b) => b.baseSequence <= 5)) {
      const original = toNode1.find((b) => b.baseSequence === retry.baseSequence)!;
      expect(retry).toMatchObject({
        producerId: original.producerId,
        epoch: original.epoch,
        count: original.count,
      });
    }
  });

  it('wraps sequences past 2^31-1 with straddling batches, 5 in flight, 3 partitions (b4, b13, o10)', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 3 } } },
      { batchSize: 61 + 4 * 24, lingerMs: 0, firstSequence: (_, p) => MAX_SEQUENCE - 5 - p },
    );
    const records = Array.from({ length: 60 }, (_, i) => ({ topic: 't', partition: i % 3, value: `v${i}` }));
    const results = value(await h.settle(Promise.all(records.map((r) => h.producer.send(r)))));
    expect(results).toHaveLength(60);
    for (let p = 0; p < 3; p++) {
      expect(h.cluster.values('t', p)).toEqual(records.filter((r) => r.partition === p).map((r) => r.value));
      const sequences = h.cluster.partition('t', p).log.map((e) => e.sequence);
      expect(sequences).toContain(MAX_SEQUENCE);
      expect(sequences).toContain(0);
      expect(sequences.every((s) => s >= 0 && s <= MAX_SEQUENCE)).toBe(true);
    }
    expect(h.events.dataLoss ?? []).toHaveLength(0);
    expect(h.cluster.maxOutstanding).toBeGreaterThan(1);
  });

  it('epoch exhaustion: a bump at 32767 takes a new producer id; partitions restart at 0 (o5)', async () => {
    const h = createHarness({ topics: { t: { partitions: 2 } } }, { lingerMs: 0 });
    h.cluster.initEpoch = 32767;
    value(
      await h.settle(
        Promise.all([
          h.producer.send({ topic: 't', partition: 0, value: 'a' }),
          h.producer.send({ topic: 't', partition: 1, value: 'x' }),
        ]),
      ),
    );
    const firstId = h.producer.state.producerId;
    h.cluster.initEpoch = 0;
    h.cluster.errorRules.push({
      topic: 't',
      partition: 0,
      code: ErrorCode.UNKNOWN_PRODUCER_ID,
      times: 1,
      logStartOffset: 9n,
    });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    value(await h.settle(h.producer.send({ topic: 't', partition: 1, value: 'y' })));
    expect(h.events.producerId).toHaveLength(2);
    expect(h.producer.state.producerId).not.toBe(firstId);
    expect(h.producer.state.epoch).toBe(0);
    const last = h.cluster.produceLog.at(-1)!.batches[0]!;
    expect(last).toMatchObject({ producerId: h.producer.state.producerId, epoch: 0, baseSequence: 0 });
    expect(h.cluster.values('t', 0)).toEqual(['a', 'b']);
  });

  it('InitProducerId to a hung broker fails over to another one (b14, o12)', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } }, nodes: [1, 2, 3] },
      { lingerMs: 0, requestTimeoutMs: 1000 },
    );
    h.cluster.hungNodes.add(1);
    value(await h.settle(h.producer.send({ topic: 't', value: 'a' })));
    expect(new Set(h.cluster.initLog).size).toBeGreaterThan(1);
    expect(h.cluster.initLog.at(-1)).not.toBe(1);
  });
});

describe('failures of other JavaScript clients do not happen here', () => {
  it('b1/b7: after one 45 the producer recovers instead of failing every later send', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0 });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: ErrorCode.OUT_OF_ORDER, times: 1 });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    value(await h.settle(Promise.all(burst(h, 10))));
    expect(h.cluster.values('t', 0)).toHaveLength(12);
  });

  it('b1: a broker that forgets the producer mid-stream does not wedge it', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 1 });
    const sends: Promise<RecordMetadata>[] = [];
    for (let i = 0; i < 50; i++) {
      sends.push(h.producer.send({ topic: 't', partition: 0, value: `v${i}` }));
      if (i === 25) h.cluster.forgetProducers('t', 0);
      await h.runUntil(() => true);
      h.scheduler.clock.advance(1);
    }
    const results = await h.settle(Promise.allSettled(sends));
    expect(value(results).every((r) => r.status === 'fulfilled')).toBe(true);
  });

  it('b3: pipelines up to 5 requests per broker', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 3 } }, latencyMs: 10 },
      { batchSize: 200, lingerMs: 0 },
    );
    value(
      await h.settle(
        Promise.all([0, 1, 2].map((p) => h.producer.send({ topic: 't', partition: p, value: 'w' }))),
      ),
    );
    const sends = Array.from({ length: 3000 }, (_, i) =>
      h.producer.send({ topic: 't', partition: i % 3, value: `v${i}` }),
    );
    value(await h.settle(Promise.all(sends)));
    expect(h.cluster.maxOutstanding).toBe(5);
  });

  it('b6: unkeyed records keep their partition when a retry follows a lost response', async () => {
    const h = createHarness({ topics: { t: { partitions: 2 } } }, { lingerMs: 0 });
    h.cluster.produceFaults.push({ fault: 'dropResponse' });
    const results = value(
      await h.settle(h.producer.send(Array.from({ length: 10 }, (_, i) => ({ topic: 't', value: `k${i}` })))),
    );
    const total = h.cluster.values('t', 0).length + h.cluster.values('t', 1).length;
    expect(total).toBe(10);
    expect(new Set(results.map((r) => r.partition)).size).toBe(1);
  });

  it('b12: NOT_LEADER on A while B is sent cannot put A after B', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { batchSize: 80, lingerMs: 0 });
    h.cluster.errorRules.push({
      topic: 't',
      partition: 0,
      code: ErrorCode.NOT_LEADER,
      times: 1,
      sequence: 0,
    });
    value(
      await h.settle(
        Promise.all([
          h.producer.send({ topic: 't', partition: 0, value: 'A' }),
          h.producer.send({ topic: 't', partition: 0, value: 'B' }),
        ]),
      ),
    );
    expect(h.cluster.values('t', 0)).toEqual(['A', 'B']);
  });

  it('b17: the epoch after a bump is the old epoch + 1 under the same producer id', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0 });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: ErrorCode.OUT_OF_ORDER, times: 1 });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'b' })));
    const batches = h.cluster.produceLog.flatMap((r) => r.batches);
    expect(batches.at(-1)).toMatchObject({ producerId: batches[0]!.producerId, epoch: 1, baseSequence: 0 });
  });

  it('REQUEST_TIMED_OUT after append is retried with the same identity and deduplicated', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0 });
    h.cluster.errorRules.push({
      topic: 't',
      partition: 0,
      code: ErrorCode.REQUEST_TIMED_OUT,
      times: 1,
      afterAppend: true,
    });
    const result = value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    expect(result.offset).toBe(0n);
    expect(h.cluster.values('t', 0)).toEqual(['a']);
  });

  it('every failure is a typed IdemError', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0 });
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: ErrorCode.INVALID_RECORD, times: 1 });
    const failed = reason(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'a' })));
    expect(isIdemError(failed)).toBe(true);
  });
});
