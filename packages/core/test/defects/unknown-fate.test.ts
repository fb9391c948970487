import { describe, expect, it } from 'vitest';
import { BrokerRejectedError } from '../../src/index.js';
import { createHarness, reason, value } from '../support/harness.js';

// Issue 9, defect 1: a batch that may be in the log is never renumbered and never split
// (docs/design.md §"The unknown-fate rule").

const MESSAGE_TOO_LARGE = 10;
const RECORD_LIST_TOO_LARGE = 18;
const TOPIC_AUTHORIZATION_FAILED = 29;
const INVALID_RECORD = 87;

describe('defect 1: the fate of a possibly-written batch', () => {
  it.each([MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, TOPIC_AUTHORIZATION_FAILED, INVALID_RECORD])(
    'A and B may be in the log, A’s retry is refused with %i before the duplicate check: no duplicate of B',
    async (code) => {
      const h = createHarness(
        { topics: { t: { partitions: 1 } } },
        { lingerMs: 0, batchSize: 80, requestTimeoutMs: 1000 },
      );
      value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'w' })));
      // Both appended; A's response never comes, the request timeout drops the connection and B's answer with it.
      h.cluster.produceFaults.push({ fault: 'hangAfterAppend' }, { fault: 'hangAfterAppend' });
      // The broker refuses A's retry by a check it makes before its duplicate check (a config change, an ACL).
      const a = h.producer.send({ topic: 't', partition: 0, value: 'A' });
      const b = h.producer.send({ topic: 't', partition: 0, value: 'B' });
      await h.runUntil(() => h.cluster.produceLog.length === 3);
      h.cluster.errorRules.push({ topic: 't', partition: 0, code, times: 1, sequence: 1 });
      const [ra, rb] = value(await h.settle(Promise.all([a, b])));
      // B's retry was answered as a duplicate: the broker takes only the next sequence, so A is in the log too.
      expect(h.cluster.values('t', 0)).toEqual(['w', 'A', 'B']);
      expect(ra.offset).toBe(-1n);
      expect(rb.offset).toBe(2n);
      expect(h.events.epochBump ?? []).toHaveLength(0);
      expect(h.events.dataLoss ?? []).toHaveLength(0);
    },
  );

  it('a possibly-written multi-record batch refused with MESSAGE_TOO_LARGE is not split; reported possibly persisted', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0, requestTimeoutMs: 1000 });
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'w' })));
    h.cluster.produceFaults.push({ fault: 'hangAfterAppend' });
    const batch = ['A1', 'A2', 'A3'].map((v) => ({ topic: 't', partition: 0, value: v }));
    const sent = h.producer.send(batch);
    await h.runUntil(() => h.cluster.produceLog.length === 2);
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: MESSAGE_TOO_LARGE, times: 1, sequence: 1 });
    const failed = reason(await h.settle(sent));
    const results = (failed as { results: unknown[] }).results;
    for (const r of results) {
      expect(r).toBeInstanceOf(BrokerRejectedError);
      expect(r).toMatchObject({ kafkaCode: MESSAGE_TOO_LARGE, possiblyPersisted: true });
    }
    // Nothing renumbered, nothing split: no second copy, no false data-loss alarm.
    expect(h.events.dataLoss ?? []).toHaveLength(0);
    const attempts = h.cluster.produceLog.flatMap((r) => r.batches).filter((x) => x.baseSequence === 1);
    expect(attempts.map((x) => x.count)).toEqual([3, 3]);
    // The partition goes on under a new epoch.
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'C' })));
    expect(h.cluster.values('t', 0)).toEqual(['w', 'A1', 'A2', 'A3', 'C']);
  });

  it('a refused possibly-written batch is proven not written by the next batch’s OUT_OF_ORDER: certainly not persisted', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } } },
      { lingerMs: 0, batchSize: 80, requestTimeoutMs: 1000 },
    );
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'w' })));
    // A's request hangs without being appended; B's (behind it) is lost too when the connection drops.
    h.cluster.produceFaults.push({ fault: 'hang' }, { fault: 'hang' });
    const a = h.producer.send({ topic: 't', partition: 0, value: 'A' });
    const b = h.producer.send({ topic: 't', partition: 0, value: 'B' });
    await h.runUntil(() => h.cluster.produceLog.length === 3);
    h.cluster.errorRules.push({ topic: 't', partition: 0, code: INVALID_RECORD, times: 1, sequence: 1 });
    const failed = reason(await h.settle(a));
    expect(failed).toBeInstanceOf(BrokerRejectedError);
    expect(failed).toMatchObject({ kafkaCode: INVALID_RECORD, possiblyPersisted: false });
    value(await h.settle(b));
    expect(h.cluster.values('t', 0)).toEqual(['w', 'B']);
  });

  it('OUT_OF_ORDER after two held batches proves only the one right before it not written (simulation seed 1244)', async () => {
    const h = createHarness(
      { topics: { t: { partitions: 1 } } },
      { lingerMs: 0, batchSize: 80, requestTimeoutMs: 1000 },
    );
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'w' })));
    // A is appended, B and C are not; all three answers are lost, so all three may be in the log.
    h.cluster.produceFaults.push({ fault: 'hangAfterAppend' }, { fault: 'hang' }, { fault: 'hang' });
    const sends = ['A', 'B', 'C'].map((v) => h.producer.send({ topic: 't', partition: 0, value: v }));
    await h.runUntil(() => h.cluster.produceLog.length === 4);
    // A's and B's retries are refused before the duplicate check; C's retry then gets OUT_OF_ORDER.
    h.cluster.errorRules.push(
      { topic: 't', partition: 0, code: MESSAGE_TOO_LARGE, times: 1, sequence: 1 },
      { topic: 't', partition: 0, code: RECORD_LIST_TOO_LARGE, times: 1, sequence: 2 },
    );
    const [a, b, c] = value(await h.settle(Promise.allSettled(sends)));
    expect(h.cluster.values('t', 0)).toEqual(['w', 'A', 'C']);
    // B is certainly not in the log; A cannot be told apart any more, so it is reported possibly persisted.
    expect(b).toMatchObject({
      status: 'rejected',
      reason: { kafkaCode: RECORD_LIST_TOO_LARGE, possiblyPersisted: false },
    });
    expect(a).toMatchObject({
      status: 'rejected',
      reason: { kafkaCode: MESSAGE_TOO_LARGE, possiblyPersisted: true },
    });
    expect(c?.status).toBe('fulfilled');
    expect(h.events.dataLoss ?? []).toHaveLength(0);
  });

  it('a later ack does not prove a held batch written when the broker had no state for us (simulation seed 1917)', async () => {
    const h = createHarness({ topics: { t: { partitions: 1 } } }, { lingerMs: 0, requestTimeoutMs: 1000 });
    // First batch of the producer on the partition: refused as too large, split; the first half's request hangs
    // (not appended), its retry is refused again; the second half is then accepted by a broker with no state for
    // this producer, which takes any first sequence: that ack says nothing about the first half.
    h.cluster.errorRules.push(
      { topic: 't', partition: 0, code: MESSAGE_TOO_LARGE, times: 1, sequence: 0 },
      { topic: 't', partition: 0, code: MESSAGE_TOO_LARGE, times: 1, sequence: 0 },
    );
    const sends = ['A1', 'A2', 'A3', 'A4'].map((v) => ({ topic: 't', partition: 0, value: v }));
    const sent = h.producer.send(sends);
    await h.runUntil(() => h.cluster.produceLog.length === 1);
    h.cluster.produceFaults.push({ fault: 'hang' });
    const failed = reason(await h.settle(sent));
    const results = (failed as { results: unknown[] }).results;
    expect(h.cluster.values('t', 0)).toEqual(['A3', 'A4']);
    expect(results[0]).toMatchObject({ kafkaCode: MESSAGE_TOO_LARGE, possiblyPersisted: true });
    expect(results[1]).toMatchObject({ kafkaCode: MESSAGE_TOO_LARGE, possiblyPersisted: true });
    expect(results[2]).toMatchObject({ offset: 0n });
    expect(results[3]).toMatchObject({ offset: 1n });
  });
});
