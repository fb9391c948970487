import { KafkaErrorCode } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { logShape, makeBatch, produce, produceRequest, setup, T0, tamper } from './helpers.js';

const E = KafkaErrorCode;

describe('produce validation, in Kafka order (docs/broker-rules.md)', () => {
  it('UNKNOWN_TOPIC_OR_PARTITION for an unknown topic or partition (produce never auto-creates)', async () => {
    const s = setup();
    const unknownTopic = await produce(s, makeBatch(), 0, { topic: 'nope', nodeId: 1 });
    const unknownPartition = await produce(s, makeBatch(), 7, { nodeId: 1 });
    for (const r of [unknownTopic, unknownPartition]) {
      expect([r.errorCode, r.baseOffset, r.logStartOffset]).toEqual([E.UNKNOWN_TOPIC_OR_PARTITION, -1n, -1n]);
    }
    expect(s.cluster.topicNames).toEqual(['t']);
  });

  it('INVALID_RECORD when there is no batch at all (null, empty, or shorter than a batch)', async () => {
    const s = setup();
    for (const records of [null, Buffer.alloc(0), makeBatch().subarray(0, 40)]) {
      expect((await produce(s, records)).errorCode).toBe(E.INVALID_RECORD);
    }
  });

  it('CORRUPT_MESSAGE when the batch length is below the minimum record overhead', async () => {
    const s = setup();
    const r = await produce(
      s,
      tamper(makeBatch(), (b) => b.writeInt32BE(13, 8), false),
    );
    expect([r.errorCode, r.logStartOffset]).toEqual([E.CORRUPT_MESSAGE, -1n]);
  });

  it('INVALID_RECORD for a legacy (magic 1) batch', async () => {
    const s = setup();
    expect(
      (
        await produce(
          s,
          tamper(makeBatch(), (b) => b.writeInt8(1, 16), false),
        )
      ).errorCode,
    ).toBe(E.INVALID_RECORD);
  });

  it('INVALID_RECORD for two batches in one partition', async () => {
    const s = setup();
    const two = Buffer.concat([makeBatch({ baseSequence: 0 }), makeBatch({ baseSequence: 1 })]);
    expect((await produce(s, two)).errorCode).toBe(E.INVALID_RECORD);
    expect(logShape(s).end).toBe(0);
  });

  it('ignores trailing bytes too short to be another batch, as Kafka iterator does', async () => {
    const s = setup();
    const r = await produce(s, Buffer.concat([makeBatch(), Buffer.alloc(8)]));
    expect(r.errorCode).toBe(E.NONE);
  });

  it('UNSUPPORTED_COMPRESSION_TYPE for zstd below Produce v7; accepted from v7', async () => {
    const s = setup();
    const old = s.cluster.connect({ versions: { Produce: 6 } });
    const zstd = makeBatch({ compression: 'zstd', count: 3 });
    expect((await produce(s, zstd, 0, { client: old })).errorCode).toBe(E.UNSUPPORTED_COMPRESSION_TYPE);
    expect((await produce(s, zstd)).errorCode).toBe(E.NONE);
  });

  it('INVALID_REQUIRED_ACKS for acks outside -1, 0, 1', async () => {
    const s = setup();
    const response = await s.client.produce(1, produceRequest('t', 0, makeBatch(), 2));
    expect(response.responses[0]!.partitionResponses[0]).toMatchObject({
      errorCode: E.INVALID_REQUIRED_ACKS,
      logStartOffset: -1n,
    });
  });

  it('NOT_LEADER_OR_FOLLOWER on a non-leader, with CurrentLeader and NodeEndpoints (v10+)', async () => {
    const s = setup({ brokers: 3 });
    const leader = s.cluster.leaderOf('t', 0);
    const other = s.cluster.nodeIds.find((id) => id !== leader)!;
    const response = await s.client.produce(other, produceRequest('t', 0, makeBatch()));
    const p = response.responses[0]!.partitionResponses[0]!;
    expect([p.errorCode, p.baseOffset, p.logStartOffset]).toEqual([E.NOT_LEADER_OR_FOLLOWER, -1n, -1n]);
    expect(p.currentLeader).toEqual({ leaderId: leader, leaderEpoch: 0 });
    expect(response.nodeEndpoints).toEqual([
      { nodeId: leader, host: '127.0.0.1', port: 9091 + leader, rack: null },
    ]);
    const v9 = s.cluster.connect({ versions: { Produce: 9 } });
    const old = await v9.produce(other, produceRequest('t', 0, makeBatch()));
    expect(old.responses[0]!.partitionResponses[0]!.currentLeader).toEqual({ leaderId: -1, leaderEpoch: -1 });
    expect(old.nodeEndpoints).toEqual([]);
  });

  it('INVALID_RECORD for a baseOffset other than 0 (checked before size and CRC)', async () => {
    const s = setup({ topicDefaults: { maxMessageBytes: 100 } });
    const bad = tamper(makeBatch({ count: 5 }), (b) => b.writeBigInt64BE(5n, 0), false);
    bad.writeUInt8(bad[70]! ^ 0xff, 70); // also corrupt and too large: baseOffset wins
    const r = await produce(s, bad);
    expect([r.errorCode, r.logStartOffset]).toEqual([E.INVALID_RECORD, 0n]);
  });

  it('MESSAGE_TOO_LARGE above max.message.bytes (checked before the CRC)', async () => {
    const s = setup({ topicDefaults: { maxMessageBytes: 100 } });
    const big = makeBatch({ count: 5 });
    big.writeUInt8(big[70]! ^ 0xff, 70);
    const r = await produce(s, big);
    expect([r.errorCode, r.logStartOffset]).toEqual([E.MESSAGE_TOO_LARGE, -1n]);
    expect((await produce(s, makeBatch({ count: 1 }))).errorCode).toBe(E.NONE);
  });

  it('CORRUPT_MESSAGE on a CRC mismatch, even for what would be a duplicate', async () => {
    const s = setup();
    const batch = makeBatch({ count: 2 });
    await produce(s, batch);
    const corrupt = Buffer.from(batch);
    corrupt.writeUInt8(corrupt[corrupt.length - 1]! ^ 1, corrupt.length - 1);
    const r = await produce(s, corrupt);
    expect([r.errorCode, r.baseOffset, r.logStartOffset]).toEqual([E.CORRUPT_MESSAGE, -1n, -1n]);
  });

  it('INVALID_RECORD when the record count does not match lastOffsetDelta', async () => {
    const s = setup();
    const r = await produce(
      s,
      tamper(makeBatch({ count: 3 }), (b) => b.writeInt32BE(3, 23)),
    );
    expect([r.errorCode, r.logStartOffset]).toEqual([E.INVALID_RECORD, 0n]);
  });

  it('INVALID_RECORD for a control batch from a client', async () => {
    const s = setup();
    const control = tamper(makeBatch(), (b) => b.writeInt16BE(b.readInt16BE(21) | 0x20, 21));
    expect((await produce(s, control)).errorCode).toBe(E.INVALID_RECORD);
  });

  it('INVALID_RECORD for a producer id with a negative base sequence', async () => {
    const s = setup();
    const r = await produce(s, makeBatch({ baseSequence: -1 }));
    expect(r.errorCode).toBe(E.INVALID_RECORD);
  });

  it('INVALID_TIMESTAMP with per-record errors for CreateTime records beyond message.timestamp.after.max.ms', async () => {
    const s = setup();
    const future = makeBatch({ count: 3, timestamp: T0 + 3_600_000 - 1 }); // records at +1h-1, +1h, +1h+1
    const r = await produce(s, future);
    expect(r.errorCode).toBe(E.INVALID_TIMESTAMP);
    expect(r.recordErrors.map((e) => e.batchIndex)).toEqual([2]);
    expect(r.errorMessage).toBe('One or more records have been rejected due to invalid timestamp');
    expect(r.recordErrors[0]!.batchIndexErrorMessage).toContain(
      `Timestamp ${T0 + 3_600_001} of message with offset 2`,
    );
    expect(logShape(s).end).toBe(0);
  });

  it('INVALID_TIMESTAMP for records older than a finite message.timestamp.before.max.ms', async () => {
    const s = setup({ topicDefaults: { messageTimestampBeforeMaxMs: 1000 } });
    const r = await produce(s, makeBatch({ count: 2, timestamp: T0 - 1000 })); // -1000 ok, -999 ok
    expect(r.errorCode).toBe(E.NONE);
    const old = await produce(s, makeBatch({ baseSequence: 2, count: 2, timestamp: T0 - 1001 }));
    expect(old.recordErrors.map((e) => e.batchIndex)).toEqual([0]);
  });

  it('INVALID_TIMESTAMP when a producer sets the LogAppendTime bit on a LogAppendTime topic', async () => {
    const s = setup({ topicDefaults: { messageTimestampType: 'LogAppendTime' } });
    const r = await produce(
      s,
      tamper(makeBatch({ count: 2 }), (b) => b.writeInt16BE(b.readInt16BE(21) | 0x08, 21)),
    );
    expect([r.errorCode, r.recordErrors.length]).toEqual([E.INVALID_TIMESTAMP, 2]);
  });

  it('TRANSACTIONAL_ID_AUTHORIZATION_FAILED for a transactional batch without a transactional id, as Kafka', async () => {
    const s = setup();
    const r = await produce(s, makeBatch({ transactional: true }));
    expect(r.errorCode).toBe(E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    expect(logShape(s).end).toBe(0);
  });

  it('INVALID_TXN_STATE (not supported) for a transactional batch with an id, recorded as an event', async () => {
    const s = setup();
    const request = {
      ...produceRequest('t', 0, makeBatch({ transactional: true })),
      transactionalId: 'tx-1',
    };
    const response = await s.client.produce(s.cluster.leaderOf('t', 0), request);
    const r = response.responses[0]!.partitionResponses[0]!;
    expect(r.errorCode).toBe(E.INVALID_TXN_STATE);
    expect(r.errorMessage).toContain('not supported');
    expect(logShape(s).end).toBe(0);
    expect(s.cluster.events.at(-1)).toMatchObject({
      kind: 'unsupported',
      api: 'Produce',
      topic: 't',
      partition: 0,
    });
  });

  it('acks=0: appends without a response; a failed acks=0 produce closes the connection', async () => {
    const s = setup();
    const ok = await s.cluster.request(1, 'raw', 'Produce', produceRequest('t', 0, makeBatch(), 0), 11);
    expect(ok).toBeNull();
    expect(logShape(s).end).toBe(1);
    const bad = s.cluster.request(
      1,
      'raw',
      'Produce',
      produceRequest('t', 0, makeBatch({ baseSequence: 9 }), 0),
      11,
    );
    await expect(bad).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
