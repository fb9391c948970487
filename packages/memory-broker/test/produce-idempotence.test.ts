import { KafkaErrorCode, MAX_SEQUENCE, readRecordBatch } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { logShape, makeBatch, plainBatch, produce, setup, T0 } from './helpers.js';

const {
  NONE,
  OUT_OF_ORDER_SEQUENCE_NUMBER,
  INVALID_PRODUCER_EPOCH,
  UNKNOWN_PRODUCER_ID,
  DUPLICATE_SEQUENCE_NUMBER,
} = KafkaErrorCode;

describe('idempotent produce: decision table end to end', () => {
  it('appends in-order batches at consecutive offsets and stamps them in place', async () => {
    const s = setup();
    const a = await produce(s, makeBatch({ baseSequence: 0, count: 3 }));
    const b = await produce(s, makeBatch({ baseSequence: 3, count: 2 }));
    expect([a.errorCode, a.baseOffset, a.logAppendTimeMs, a.logStartOffset]).toEqual([NONE, 0n, -1n, 0n]);
    expect([b.errorCode, b.baseOffset]).toEqual([NONE, 3n]);
    expect(logShape(s)).toEqual({ offsets: [0, 3], end: 5 });
    const stored = readRecordBatch(s.cluster.readLog('t', 0).batches[1]!.bytes!); // CRC still valid
    expect([stored.baseOffset, stored.partitionLeaderEpoch]).toEqual([3n, 0]);
  });

  it('answers a retry of each of the last 5 batches with its original offset and appends nothing', async () => {
    const s = setup();
    const sizes = [2, 1, 3, 1, 4, 2];
    let seq = 0;
    const sent: { batch: Buffer; offset: bigint; maxTs: number }[] = [];
    for (const [i, count] of sizes.entries()) {
      const batch = makeBatch({ baseSequence: seq, count, timestamp: T0 + 100 * i });
      const r = await produce(s, batch);
      expect(r.errorCode).toBe(NONE);
      sent.push({ batch, offset: r.baseOffset, maxTs: T0 + 100 * i + count - 1 });
      seq += count;
    }
    const before = logShape(s);
    for (const { batch, offset, maxTs } of sent.slice(-5)) {
      const r = await produce(s, batch);
      // Kafka fills LogAppendTime of a duplicate with the stored batch timestamp, even on CreateTime topics.
      expect([r.errorCode, r.baseOffset, r.logAppendTimeMs, r.logStartOffset]).toEqual([
        NONE,
        offset,
        BigInt(maxTs),
        0n,
      ]);
    }
    expect(logShape(s)).toEqual(before);
  });

  it('answers a retry of the 6th-last batch with OUT_OF_ORDER_SEQUENCE_NUMBER', async () => {
    const s = setup();
    const batches = Array.from({ length: 6 }, (_, i) => makeBatch({ baseSequence: i }));
    for (const b of batches) await produce(s, b);
    const r = await produce(s, batches[0]!);
    expect([r.errorCode, r.baseOffset, r.logAppendTimeMs, r.logStartOffset]).toEqual([
      OUT_OF_ORDER_SEQUENCE_NUMBER,
      -1n,
      -1n,
      0n,
    ]);
    expect(logShape(s).end).toBe(6);
  });

  it('rejects a gap with OUT_OF_ORDER_SEQUENCE_NUMBER', async () => {
    const s = setup();
    await produce(s, makeBatch({ baseSequence: 0, count: 2 }));
    expect((await produce(s, makeBatch({ baseSequence: 3 }))).errorCode).toBe(OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await produce(s, makeBatch({ baseSequence: 2 }))).errorCode).toBe(NONE);
  });

  it('fences a lower epoch with INVALID_PRODUCER_EPOCH, even for a duplicate of its own batch', async () => {
    const s = setup();
    const old = makeBatch({ epoch: 0, baseSequence: 0 });
    await produce(s, old);
    expect((await produce(s, makeBatch({ epoch: 1, baseSequence: 0 }))).errorCode).toBe(NONE);
    const r = await produce(s, old);
    expect([r.errorCode, r.logStartOffset]).toEqual([INVALID_PRODUCER_EPOCH, 0n]);
    expect((await produce(s, makeBatch({ epoch: 0, baseSequence: 1 }))).errorCode).toBe(
      INVALID_PRODUCER_EPOCH,
    );
  });

  it('accepts a new epoch only from sequence 0', async () => {
    const s = setup();
    await produce(s, makeBatch({ epoch: 0, baseSequence: 0, count: 5 }));
    expect((await produce(s, makeBatch({ epoch: 1, baseSequence: 5 }))).errorCode).toBe(
      OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    expect((await produce(s, makeBatch({ epoch: 1, baseSequence: 0 }))).errorCode).toBe(NONE);
    expect(s.cluster.describeProducers('t', 0)).toMatchObject([{ producerEpoch: 1, lastSequence: 0 }]);
  });

  it('wraps at 2^31-1: base MAX-1 with 4 records (seqs MAX-1, MAX, 0, 1), then base 2', async () => {
    const s = setup();
    expect((await produce(s, makeBatch({ baseSequence: MAX_SEQUENCE - 1, count: 4 }))).errorCode).toBe(NONE);
    expect(s.cluster.describeProducers('t', 0)[0]!.lastSequence).toBe(1);
    expect((await produce(s, makeBatch({ baseSequence: 0 }))).errorCode).toBe(OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await produce(s, makeBatch({ baseSequence: 2 }))).errorCode).toBe(NONE);
    // and the wrapped batch is still recognised as a duplicate
    const dup = await produce(s, makeBatch({ baseSequence: MAX_SEQUENCE - 1, count: 4 }));
    expect([dup.errorCode, dup.baseOffset]).toEqual([NONE, 0n]);
  });

  it('accepts the first batch of a never-issued producer id at any sequence (Kafka 4.3 = profile 2.5-4.4)', async () => {
    const s = setup();
    const r = await produce(s, makeBatch({ producerId: 987_654_321n, baseSequence: 17, count: 2 }));
    expect(r.errorCode).toBe(NONE);
    expect(s.cluster.describeProducers('t', 0)).toMatchObject([
      { producerId: 987_654_321n, lastSequence: 18 },
    ]);
  });

  it('profile 4.5+: a never-written partition takes only sequence 0 from an unknown producer; a written one any', async () => {
    const s = setup({ profile: '4.5+', partitions: 2 });
    expect((await produce(s, makeBatch({ producerId: 7n, baseSequence: 17 }), 0)).errorCode).toBe(
      OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    await produce(s, plainBatch(), 1);
    expect((await produce(s, makeBatch({ producerId: 7n, baseSequence: 17 }), 1)).errorCode).toBe(NONE);
    expect((await produce(s, makeBatch({ producerId: 7n, baseSequence: 0 }), 0)).errorCode).toBe(NONE);
  });

  it('keeps epoch and sequence per partition: a partition that has not seen the bump still takes the old epoch', async () => {
    const s = setup({ partitions: 2 });
    await produce(s, makeBatch({ epoch: 0, baseSequence: 0 }), 0);
    await produce(s, makeBatch({ epoch: 0, baseSequence: 0 }), 1);
    expect((await produce(s, makeBatch({ epoch: 1, baseSequence: 0 }), 0)).errorCode).toBe(NONE);
    expect((await produce(s, makeBatch({ epoch: 0, baseSequence: 1 }), 1)).errorCode).toBe(NONE);
    expect((await produce(s, makeBatch({ epoch: 0, baseSequence: 1 }), 0)).errorCode).toBe(
      INVALID_PRODUCER_EPOCH,
    );
  });

  it('keeps producers apart: the same sequences from two producer ids are two batches', async () => {
    const s = setup();
    await produce(s, makeBatch({ producerId: 1n }));
    const r = await produce(s, makeBatch({ producerId: 2n }));
    expect([r.errorCode, r.baseOffset]).toEqual([NONE, 1n]);
  });

  it('appends a retried non-idempotent batch again (a real duplicate)', async () => {
    const s = setup();
    const batch = plainBatch(2);
    await produce(s, batch);
    const r = await produce(s, batch);
    expect([r.errorCode, r.baseOffset]).toEqual([NONE, 2n]);
    expect(s.cluster.describeProducers('t', 0)).toEqual([]);
  });

  it('on a LogAppendTime topic answers with the append time, and a duplicate with the stored one', async () => {
    const s = setup({ topicDefaults: { messageTimestampType: 'LogAppendTime' } });
    const batch = makeBatch();
    const first = await produce(s, batch);
    expect(first.logAppendTimeMs).toBe(BigInt(T0));
    s.clock.advance(500);
    const dup = await produce(s, batch);
    expect([dup.errorCode, dup.baseOffset, dup.logAppendTimeMs]).toEqual([NONE, 0n, BigInt(T0)]);
    const stored = readRecordBatch(s.cluster.readLog('t', 0).batches[0]!.bytes!); // verifies the re-signed CRC
    expect([stored.timestampType, stored.maxTimestamp]).toEqual(['LogAppendTime', BigInt(T0)]);
    expect(batch.readInt16BE(21) & 0x08).toBe(0); // the client's buffer is untouched
  });

  it('legacy profile 2.0-2.4 answers UNKNOWN_PRODUCER_ID for an unknown producer with a non-zero sequence', async () => {
    const s = setup();
    s.cluster.faults.legacyBroker('2.0-2.4');
    expect((await produce(s, makeBatch({ baseSequence: 5 }))).errorCode).toBe(UNKNOWN_PRODUCER_ID);
    expect(s.cluster.events.at(-1)).toMatchObject({ kind: 'profile-changed', detail: '2.0-2.4' });
  });

  it('legacy profile 1.0-1.1 answers DUPLICATE_SEQUENCE_NUMBER for a retry older than the retained batches', async () => {
    const s = setup({ profile: '1.0-1.1' });
    for (let i = 0; i < 6; i++) await produce(s, makeBatch({ baseSequence: i }));
    expect((await produce(s, makeBatch({ baseSequence: 0 }))).errorCode).toBe(DUPLICATE_SEQUENCE_NUMBER);
  });
});
