/**
 * Broker conformance: the same hand-built Produce / InitProducerId / DescribeProducers traffic against
 * the memory broker and the real Apache Kafka 4.3.0 broker of tooling/kafka, with the same
 * expectations. Where the two disagree the expectation is what Kafka answers, so a failure on the
 * memory-broker side is a fidelity bug of the memory broker.
 */
import { KafkaErrorCode, kafkaErrorByCode, MAX_SEQUENCE } from '@idem/codec';
import { kafkaTarget, uniqueTopic } from '@idem/kafka-tooling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendedAt,
  type Batch,
  batch,
  type PartitionResponse,
  duplicateOf,
  freshProducerId,
  initProducerId,
  producerState,
  rejectedWith,
  send,
  sendBytes,
  transactionalBatch,
} from './produce.js';
import { kafkaBrokerTarget, memoryBrokerTarget, type Target } from './targets.js';

const { OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH, INVALID_REQUEST, NONE } = KafkaErrorCode;

/** Produce versions whose response layouts differ: v3 (no LogStartOffset), v7, v9 (flexible), v11. */
const PRODUCE_VERSIONS = [3, 7, 9, 11] as const;
const NO_TOPIC_ID = '00000000-0000-0000-0000-000000000000';

interface TargetCase {
  readonly label: string;
  readonly skip: string | null;
  readonly open: () => Promise<Target>;
}

const kafka = kafkaTarget();
const TARGETS: TargetCase[] = [
  { label: 'memory broker', skip: null, open: async () => memoryBrokerTarget() },
  {
    label: 'kafka 4.3.0',
    skip: kafka.bootstrap === null ? (kafka.reason ?? 'no Kafka broker') : null,
    open: () => kafkaBrokerTarget(kafka.bootstrap ?? ''),
  },
];

describe.each(TARGETS)('$label', ({ skip, open }) => {
  let target: Target;
  beforeAll(async () => {
    if (skip === null) target = await open();
  });
  afterAll(() => target?.close());

  /** A new one-partition topic; names are unique because every run against one Kafka broker shares it. */
  async function topicFor(name: string, timestampType?: 'CreateTime' | 'LogAppendTime'): Promise<string> {
    const topic = uniqueTopic(`conformance-${name}`);
    await target.createTopic(topic, { partitions: 1, ...(timestampType ? { timestampType } : {}) });
    return topic;
  }

  describe.skipIf(skip !== null).each(PRODUCE_VERSIONS)(
    `Produce v%i${skip ? ` [skipped: ${skip}]` : ''}`,
    (v) => {
      it('appends in order with contiguous offsets, 5 requests in flight', async () => {
        const topic = await topicFor(`in-order-v${v}`);
        const pid = await freshProducerId(target);
        const first = batch(pid, 0, 0, 3);
        expect(await send(target, v, topic, first)).toEqual(appendedAt(0, v));
        const counts = [2, 1, 4, 1, 5];
        const bases = [3, 5, 6, 10, 11];
        const pipelined = bases.map((base, i) => batch(pid, 0, base, counts[i]));
        const answers = await Promise.all(pipelined.map((b) => send(target, v, topic, b)));
        expect(answers).toEqual(bases.map((offset) => appendedAt(offset, v)));
        expect(await target.describeProducers(topic, 0)).toEqual([producerState(pipelined[4]!)]);
      });

      it('answers a retry of each of the last 5 batches with its original offset and appends nothing', async () => {
        const topic = await topicFor(`last5-v${v}`);
        const pid = await freshProducerId(target);
        const sent: { b: Batch; offset: number }[] = [];
        let offset = 0;
        for (const count of [2, 1, 3, 1, 2, 4, 1]) {
          const b = batch(pid, 0, offset, count); // sequences and offsets run in step from 0
          expect(await send(target, v, topic, b)).toEqual(appendedAt(offset, v));
          sent.push({ b, offset });
          offset += count;
        }
        // Newest first, then oldest first: the match is by exact sequence range, not by recency.
        const lastFive = sent.slice(-5);
        for (const { b, offset: original } of [...lastFive].reverse().concat(lastFive)) {
          expect(await send(target, v, topic, b)).toEqual(duplicateOf(b, original, v));
        }
        // The log end did not move: the next batch lands right after the last original append.
        const next = batch(pid, 0, offset, 2);
        expect(await send(target, v, topic, next)).toEqual(appendedAt(offset, v));
        expect(await target.describeProducers(topic, 0)).toEqual([producerState(next)]);
      });

      it('refuses a retry of the 6th-last batch and of a re-split retained batch', async () => {
        const topic = await topicFor(`sixth-v${v}`);
        const pid = await freshProducerId(target);
        const sent = [0, 1, 2, 3, 4, 5].map((i) => batch(pid, 0, i * 2, 2));
        for (const [i, b] of sent.entries())
          expect(await send(target, v, topic, b)).toEqual(appendedAt(i * 2, v));
        expect(await send(target, v, topic, sent[0]!)).toEqual(rejectedWith(OUT_OF_ORDER_SEQUENCE_NUMBER, v));
        // Same first sequence as a retained batch, one record fewer: not an exact match, so not a duplicate.
        expect(await send(target, v, topic, batch(pid, 0, 4, 1))).toEqual(
          rejectedWith(OUT_OF_ORDER_SEQUENCE_NUMBER, v),
        );
        // The second batch is still retained (it is the 5th-last).
        expect(await send(target, v, topic, sent[1]!)).toEqual(duplicateOf(sent[1]!, 2, v));
        expect(await target.describeProducers(topic, 0)).toEqual([producerState(sent[5]!)]);
        const next = batch(pid, 0, 12, 1);
        expect(await send(target, v, topic, next)).toEqual(appendedAt(12, v));
      });

      it('refuses a sequence gap and an overlapping sequence', async () => {
        const topic = await topicFor(`gap-v${v}`);
        const pid = await freshProducerId(target);
        const first = batch(pid, 0, 0, 2);
        expect(await send(target, v, topic, first)).toEqual(appendedAt(0, v));
        expect(await send(target, v, topic, batch(pid, 0, 3, 1))).toEqual(
          rejectedWith(OUT_OF_ORDER_SEQUENCE_NUMBER, v),
        );
        expect(await send(target, v, topic, batch(pid, 0, 1, 2))).toEqual(
          rejectedWith(OUT_OF_ORDER_SEQUENCE_NUMBER, v),
        );
        expect(await target.describeProducers(topic, 0)).toEqual([producerState(first)]);
        expect(await send(target, v, topic, batch(pid, 0, 2, 1))).toEqual(appendedAt(2, v));
      });

      it('fences the old epoch once a bumped epoch was accepted', async () => {
        const topic = await topicFor(`stale-epoch-v${v}`);
        const pid = await freshProducerId(target);
        const old = [batch(pid, 0, 0, 2), batch(pid, 0, 2, 1)];
        for (const [i, b] of old.entries())
          expect(await send(target, v, topic, b)).toEqual(appendedAt(i * 2, v));
        const bumped = batch(pid, 1, 0, 2);
        expect(await send(target, v, topic, bumped)).toEqual(appendedAt(3, v));
        // The next old-epoch batch, and a retry of an old-epoch batch (the bump emptied the retained batches).
        expect(await send(target, v, topic, batch(pid, 0, 3, 1))).toEqual(
          rejectedWith(INVALID_PRODUCER_EPOCH, v),
        );
        expect(await send(target, v, topic, old[1]!)).toEqual(rejectedWith(INVALID_PRODUCER_EPOCH, v));
        expect(await target.describeProducers(topic, 0)).toEqual([producerState(bumped)]);
        expect(await send(target, v, topic, batch(pid, 1, 2, 1))).toEqual(appendedAt(5, v));
      });

      it('requires a bumped epoch to start at sequence 0', async () => {
        const topic = await topicFor(`new-epoch-v${v}`);
        const pid = await freshProducerId(target);
        const first = batch(pid, 0, 0, 2);
        expect(await send(target, v, topic, first)).toEqual(appendedAt(0, v));
        // Sequence 2 would be next in epoch 0; under epoch 1 it is out of order, as is any other non-zero one.
        for (const base of [2, 5, MAX_SEQUENCE]) {
          expect(await send(target, v, topic, batch(pid, 1, base, 1))).toEqual(
            rejectedWith(OUT_OF_ORDER_SEQUENCE_NUMBER, v),
          );
        }
        expect(await target.describeProducers(topic, 0)).toEqual([producerState(first)]);
        const bumped = batch(pid, 1, 0, 1);
        expect(await send(target, v, topic, bumped)).toEqual(appendedAt(2, v));
        expect(await target.describeProducers(topic, 0)).toEqual([producerState(bumped)]);
      });

      it('wraps sequences past 2^31-1', async () => {
        const topic = await topicFor(`wrap-v${v}`);
        const pid = await freshProducerId(target);
        // MAX-1, MAX, 0, 1: a producer with no state may start anywhere.
        const across = batch(pid, 0, MAX_SEQUENCE - 1, 4);
        expect(await send(target, v, topic, across)).toEqual(appendedAt(0, v));
        expect(await target.describeProducers(topic, 0)).toEqual([producerState(across)]);
        const after = batch(pid, 0, 2, 3);
        expect(await send(target, v, topic, after)).toEqual(appendedAt(4, v));
        expect(await send(target, v, topic, across)).toEqual(duplicateOf(across, 0, v));
        expect(await send(target, v, topic, batch(pid, 0, 0, 1))).toEqual(
          rejectedWith(OUT_OF_ORDER_SEQUENCE_NUMBER, v),
        );
        expect(await target.describeProducers(topic, 0)).toEqual([producerState(after)]);

        // Ending exactly on MAX: the next batch must start at 0, not MAX+1.
        const pid2 = await freshProducerId(target);
        const toMax = batch(pid2, 0, MAX_SEQUENCE - 2, 3);
        expect(await send(target, v, topic, toMax)).toEqual(appendedAt(7, v));
        const zero = batch(pid2, 0, 0, 2);
        expect(await send(target, v, topic, zero)).toEqual(appendedAt(10, v));
        const expected = [producerState(after), producerState(zero)];
        expected.sort((a, b) => (a.producerId < b.producerId ? -1 : 1));
        expect(await target.describeProducers(topic, 0)).toEqual(expected);
      });

      it('accepts a never-issued producer id at a non-zero sequence and epoch', async () => {
        const topic = await topicFor(`never-issued-v${v}`);
        // Far above any PID block either broker hands out; the partition never asks the PID allocator.
        const pid = 7_000_000_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));
        const first = batch(pid, 3, 17, 2);
        expect(await send(target, v, topic, first)).toEqual(appendedAt(0, v));
        const second = batch(pid, 3, 19, 1);
        expect(await send(target, v, topic, second)).toEqual(appendedAt(2, v));
        expect(await send(target, v, topic, first)).toEqual(duplicateOf(first, 0, v));
        expect(await target.describeProducers(topic, 0)).toEqual([producerState(second)]);
      });
    },
  );

  describe.skipIf(skip !== null).each([7, 11])(
    `more produce rules, Produce v%i${skip ? ` [skipped: ${skip}]` : ''}`,
    (v) => {
      it('keeps epoch and sequence per partition', async () => {
        const topic = uniqueTopic('conformance-per-partition');
        await target.createTopic(topic, { partitions: 2 });
        const pid = await freshProducerId(target);
        expect(await send(target, v, topic, batch(pid, 0, 0, 2), 0)).toEqual(appendedAt(0, v));
        expect(await send(target, v, topic, batch(pid, 0, 0, 1), 1)).toEqual({
          ...appendedAt(0, v),
          index: 1,
        });
        const bumped = batch(pid, 1, 0, 1);
        expect(await send(target, v, topic, bumped, 0)).toEqual(appendedAt(2, v));
        // Partition 1 has not seen epoch 1, so epoch 0 carries on there.
        const stillOld = batch(pid, 0, 1, 1);
        expect(await send(target, v, topic, stillOld, 1)).toEqual({ ...appendedAt(1, v), index: 1 });
        expect(await target.describeProducers(topic, 0)).toEqual([producerState(bumped)]);
        expect(await target.describeProducers(topic, 1)).toEqual([producerState(stillOld)]);
      });

      it('matches a duplicate by sequence range alone, not by content', async () => {
        const topic = await topicFor(`dup-content-v${v}`);
        const pid = await freshProducerId(target);
        const original = batch(pid, 0, 0, 3);
        expect(await send(target, v, topic, original)).toEqual(appendedAt(0, v));
        const lookalike = batch(pid, 0, 0, 3); // other values and timestamps, same sequences
        expect(await send(target, v, topic, lookalike)).toEqual(duplicateOf(original, 0, v));
        expect(await target.describeProducers(topic, 0)).toEqual([producerState(original)]);
      });

      it('fails every pipelined batch after a gap, then resumes at the expected sequence', async () => {
        const topic = await topicFor(`pipelined-gap-v${v}`);
        const pid = await freshProducerId(target);
        const batches = [0, 1, 3, 4, 5].map((seq) => batch(pid, 0, seq, 1));
        const answers = await Promise.all(batches.map((b) => send(target, v, topic, b)));
        expect(answers).toEqual([
          appendedAt(0, v),
          appendedAt(1, v),
          rejectedWith(OUT_OF_ORDER_SEQUENCE_NUMBER, v),
          rejectedWith(OUT_OF_ORDER_SEQUENCE_NUMBER, v),
          rejectedWith(OUT_OF_ORDER_SEQUENCE_NUMBER, v),
        ]);
        expect(await target.describeProducers(topic, 0)).toEqual([producerState(batches[1]!)]);
        expect(await send(target, v, topic, batch(pid, 0, 2, 1))).toEqual(appendedAt(2, v));
      });

      it('accepts an epoch that jumps by more than one when it starts at 0', async () => {
        const topic = await topicFor(`epoch-jump-v${v}`);
        const pid = await freshProducerId(target);
        expect(await send(target, v, topic, batch(pid, 0, 0, 1))).toEqual(appendedAt(0, v));
        const jumped = batch(pid, 5, 0, 2);
        expect(await send(target, v, topic, jumped)).toEqual(appendedAt(1, v));
        expect(await send(target, v, topic, batch(pid, 4, 0, 1))).toEqual(
          rejectedWith(INVALID_PRODUCER_EPOCH, v),
        );
        expect(await target.describeProducers(topic, 0)).toEqual([producerState(jumped)]);
      });

      it('appends a non-idempotent batch without touching producer state', async () => {
        const topic = await topicFor(`plain-v${v}`);
        const pid = await freshProducerId(target);
        const idempotent = batch(pid, 0, 0, 2);
        expect(await send(target, v, topic, idempotent)).toEqual(appendedAt(0, v));
        const plain = batch(-1n, -1, -1, 3);
        expect(await send(target, v, topic, plain)).toEqual(appendedAt(2, v));
        expect(await send(target, v, topic, plain)).toEqual(appendedAt(5, v)); // no dedup without a producer id
        expect(await target.describeProducers(topic, 0)).toEqual([producerState(idempotent)]);
      });

      it('refuses a transactional batch sent without a transactional id as unauthorized', async () => {
        // KafkaApis checks this before anything else and fails the whole request, so no LogStartOffset either.
        const topic = await topicFor(`txn-batch-v${v}`);
        const pid = await freshProducerId(target);
        for (const control of [false, true]) {
          expect(await sendBytes(target, v, topic, transactionalBatch(pid, control))).toEqual({
            ...rejectedWith(KafkaErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, v),
            logStartOffset: -1n,
          });
        }
        expect(await target.describeProducers(topic, 0)).toEqual([]);
      });

      it('answers a produce to an unknown topic and to an unknown partition', async () => {
        const topic = await topicFor(`unknown-partition-v${v}`);
        const pid = await freshProducerId(target);
        const unknownTopic = uniqueTopic('conformance-never-created');
        expect(await send(target, v, unknownTopic, batch(pid, 0, 0, 1))).toEqual({
          ...rejectedWith(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION, v),
          logStartOffset: -1n,
        });
        expect(await send(target, v, topic, batch(pid, 0, 0, 1), 3)).toEqual({
          ...rejectedWith(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION, v),
          index: 3,
          logStartOffset: -1n,
        });
      });

      it('deduplicates a compressed batch the same way', async () => {
        const topic = await topicFor(`gzip-v${v}`);
        const pid = await freshProducerId(target);
        const zipped = batch(pid, 0, 0, 4, undefined, 'gzip');
        expect(await send(target, v, topic, zipped)).toEqual(appendedAt(0, v));
        expect(await send(target, v, topic, zipped)).toEqual(duplicateOf(zipped, 0, v));
        expect(await target.describeProducers(topic, 0)).toEqual([producerState(zipped)]);
      });

      it('refuses a negative base sequence from a producer with an id', async () => {
        const topic = await topicFor(`negative-seq-v${v}`);
        const pid = await freshProducerId(target);
        expect(await send(target, v, topic, batch(pid, 0, -5, 1))).toEqual(
          rejectedWith(KafkaErrorCode.INVALID_RECORD, v),
        );
        expect(await target.describeProducers(topic, 0)).toEqual([]);
      });

      it('refuses a record stamped beyond message.timestamp.after.max.ms, naming each record from v8', async () => {
        const topic = await topicFor(`future-v${v}`);
        const pid = await freshProducerId(target);
        const firstTimestamp = Date.now() + 2 * 3_600_000;
        const answer = await send(target, v, topic, batch(pid, 0, 0, 2, firstTimestamp));
        const perRecord = answer.recordErrors.map((e) => e.batchIndexErrorMessage ?? '');
        expect(answer).toEqual({
          ...rejectedWith(KafkaErrorCode.INVALID_TIMESTAMP, v),
          ...(v >= 8
            ? {
                errorMessage: 'One or more records have been rejected due to invalid timestamp',
                recordErrors: [0, 1].map((batchIndex) => ({
                  batchIndex,
                  batchIndexErrorMessage: perRecord[batchIndex],
                })),
              }
            : {}),
        });
        // Each message names the record's timestamp and offset, then the window (which moves with the clock).
        for (const [i, message] of perRecord.entries()) {
          expect(message).toMatch(
            new RegExp(
              `^Timestamp ${firstTimestamp + i} of message with offset ${i} is out of range\\. The timestamp should be within \\[-?\\d+, \\d+\\]$`,
            ),
          );
        }
        expect(await target.describeProducers(topic, 0)).toEqual([]);
      });
    },
  );

  describe.skipIf(skip !== null)(`DescribeProducers${skip ? ` [skipped: ${skip}]` : ''}`, () => {
    it('lists no producers for an empty partition, and errors for an unknown partition and topic', async () => {
      const topic = await topicFor('describe-empty');
      expect(await target.describeProducers(topic, 0)).toEqual([]);
      const unknown = uniqueTopic('conformance-describe-unknown');
      const response = await target.request('DescribeProducers', 0, {
        topics: [
          { name: topic, partitionIndexes: [4] },
          { name: unknown, partitionIndexes: [0] },
        ],
      });
      const failed = (partitionIndex: number, errorMessage: string | null) => ({
        partitionIndex,
        errorCode: KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        errorMessage,
        activeProducers: [],
      });
      // Kafka fills in the error's default message only when the whole topic is unknown.
      expect(response).toEqual({
        throttleTimeMs: 0,
        topics: [
          { name: topic, partitions: [failed(4, null)] },
          {
            name: unknown,
            partitions: [failed(0, kafkaErrorByCode(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION).message)],
          },
        ],
      });
    });
  });

  describe.skipIf(skip !== null)(`response fields${skip ? ` [skipped: ${skip}]` : ''}`, () => {
    it.each([3, 7, 11])(
      'LogAppendTime topic, Produce v%i: the append time, and the same time on a retry',
      async (v) => {
        const topic = await topicFor(`log-append-time-v${v}`, 'LogAppendTime');
        const pid = await freshProducerId(target);
        const b = batch(pid, 0, 0, 3);
        const before = BigInt(Date.now());
        const fresh = await send(target, v, topic, b);
        const after = BigInt(Date.now());
        expect(fresh).toEqual({ ...appendedAt(0, v), logAppendTimeMs: fresh.logAppendTimeMs });
        expect(fresh.logAppendTimeMs).toBeGreaterThanOrEqual(before);
        expect(fresh.logAppendTimeMs).toBeLessThanOrEqual(after);
        expect(await send(target, v, topic, b)).toEqual(fresh);
        // The broker stamps the batch, so the state remembers the append time, not the records' own times.
        expect(await target.describeProducers(topic, 0)).toEqual([
          { ...producerState(b), lastTimestamp: fresh.logAppendTimeMs },
        ]);
      },
    );
  });

  describe.skipIf(skip !== null)(`topic names and ids${skip ? ` [skipped: ${skip}]` : ''}`, () => {
    it('Produce v12 names the topic, v13 addresses it by id, an unknown id is UNKNOWN_TOPIC_ID', async () => {
      const topic = await topicFor('topic-id');
      const metadata = await target.request('Metadata', 12, {
        topics: [{ name: topic, topicId: NO_TOPIC_ID }],
        allowAutoTopicCreation: false,
        includeTopicAuthorizedOperations: false,
      });
      const topicId = metadata.topics[0]?.topicId ?? NO_TOPIC_ID;
      expect(topicId).not.toBe(NO_TOPIC_ID);
      const pid = await freshProducerId(target);
      const byName = batch(pid, 0, 0, 2);
      const byId = batch(pid, 0, 2, 1);
      const produce = (version: number, address: { name: string } | { topicId: string }, b: Batch) =>
        target.request('Produce', version, {
          transactionalId: null,
          acks: -1,
          timeoutMs: 10_000,
          topicData: [{ ...address, partitionData: [{ index: 0, records: b.bytes }] }],
        });
      const whole = (address: { name: string; topicId: string }, partition: PartitionResponse) => ({
        responses: [{ ...address, partitionResponses: [partition] }],
        throttleTimeMs: 0,
        nodeEndpoints: [],
      });
      expect(await produce(12, { name: topic }, byName)).toEqual(
        whole({ name: topic, topicId: NO_TOPIC_ID }, appendedAt(0, 12)),
      );
      expect(await produce(13, { topicId }, byId)).toEqual(whole({ name: '', topicId }, appendedAt(2, 13)));
      expect(await produce(13, { topicId }, byName)).toEqual(
        whole({ name: '', topicId }, duplicateOf(byName, 0, 13)),
      );
      const unknownId = '0badc0de-0000-4000-8000-000000000001';
      expect(await produce(13, { topicId: unknownId }, batch(pid, 0, 3, 1))).toEqual(
        whole(
          { name: '', topicId: unknownId },
          { ...rejectedWith(KafkaErrorCode.UNKNOWN_TOPIC_ID, 13), logStartOffset: -1n },
        ),
      );
      expect(await target.describeProducers(topic, 0)).toEqual([producerState(byId)]);
    });
  });

  describe.skipIf(skip !== null)(`InitProducerId${skip ? ` [skipped: ${skip}]` : ''}`, () => {
    it('v0-v5: a fresh producer id with epoch 0 on every call', async () => {
      const ids: bigint[] = [];
      for (const version of [0, 1, 2, 3, 4, 5]) {
        for (let call = 0; call < 2; call++) {
          const response = await initProducerId(target, version);
          expect(response).toEqual({
            throttleTimeMs: 0,
            errorCode: NONE,
            producerId: response.producerId,
            producerEpoch: 0,
            ongoingTxnProducerId: -1n,
            ongoingTxnProducerEpoch: -1,
          });
          expect(response.producerId).toBeGreaterThanOrEqual(0n);
          ids.push(response.producerId);
        }
      }
      expect(new Set(ids).size).toBe(ids.length);
    });

    it.each([3, 4, 5])(
      'v%i: an existing producer id and epoch are ignored without a transactional id',
      async (version) => {
        const issued = await freshProducerId(target);
        const response = await initProducerId(target, version, { producerId: issued, producerEpoch: 0 });
        expect(response.errorCode).toBe(NONE);
        expect(response.producerEpoch).toBe(0);
        expect(response.producerId).not.toBe(issued);
        expect(response.producerId).toBeGreaterThanOrEqual(0n);
      },
    );

    it.each([3, 4, 5])(
      'v%i: exactly one of producer id and epoch set to -1 is an invalid request',
      async (version) => {
        const issued = await freshProducerId(target);
        const invalid = {
          throttleTimeMs: 0,
          errorCode: INVALID_REQUEST,
          producerId: -1n,
          producerEpoch: -1,
          ongoingTxnProducerId: -1n,
          ongoingTxnProducerEpoch: -1,
        };
        expect(await initProducerId(target, version, { producerId: issued, producerEpoch: -1 })).toEqual(
          invalid,
        );
        expect(await initProducerId(target, version, { producerId: -1n, producerEpoch: 0 })).toEqual(invalid);
      },
    );

    it('an empty transactional id is an invalid request', async () => {
      const response = await target.request('InitProducerId', 4, {
        transactionalId: '',
        transactionTimeoutMs: 60_000,
      });
      expect(response).toEqual({
        throttleTimeMs: 0,
        errorCode: INVALID_REQUEST,
        producerId: -1n,
        producerEpoch: -1,
        ongoingTxnProducerId: -1n,
        ongoingTxnProducerEpoch: -1,
      });
    });
  });
});
