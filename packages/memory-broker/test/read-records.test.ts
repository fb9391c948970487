/** readRecords / readGenerationRecords: a partition read back as records, with offsets and producer identity. */
import { encodeRecordBatch, KafkaErrorCode, MAX_SEQUENCE } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { readGenerationRecords, readRecords } from '../src/index.js';
import { MemoryBrokerServer } from '../src/server/broker-server.js';
import { produce, type Setup, setup, T0 } from './helpers.js';

interface Spec {
  producerId: bigint;
  epoch: number;
  baseSequence: number;
  records: { key: string | null; value: string | null }[];
  compression?: 'none' | 'gzip';
}

function batch(spec: Spec): Buffer {
  return encodeRecordBatch({
    records: spec.records.map((r) => ({
      key: r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      timestamp: T0, // the cluster's manual clock: a record far from it is refused (INVALID_TIMESTAMP)
    })),
    producerId: spec.producerId,
    producerEpoch: spec.epoch,
    baseSequence: spec.baseSequence,
    compression: spec.compression ?? 'none',
  });
}

async function write(s: Setup, spec: Spec, partition = 0, topic = 't'): Promise<void> {
  expect((await produce(s, batch(spec), partition, { topic })).errorCode).toBe(KafkaErrorCode.NONE);
}

describe('readRecords', () => {
  it('reads every record in offset order, each with its offset, key, value and its batch’s producer identity', async () => {
    const s = setup({ partitions: 2 });
    // Two producers interleaved, a compressed batch, a plain (non-idempotent) one, and a record on partition 1.
    await write(s, {
      producerId: 1000n,
      epoch: 0,
      baseSequence: 0,
      records: [
        { key: 'k1', value: 'a0' },
        { key: null, value: 'a1' },
        { key: 'k1', value: null },
      ],
    });
    await write(s, {
      producerId: 2000n,
      epoch: 3,
      baseSequence: 7,
      records: [
        { key: null, value: 'b0' },
        { key: 'k2', value: 'b1' },
      ],
      compression: 'gzip',
    });
    await write(s, { producerId: 1000n, epoch: 0, baseSequence: 3, records: [{ key: null, value: 'a3' }] });
    await write(s, {
      producerId: -1n,
      epoch: -1,
      baseSequence: -1,
      records: [{ key: null, value: 'plain' }],
    });
    await write(
      s,
      { producerId: 3000n, epoch: 1, baseSequence: 0, records: [{ key: null, value: 'p1' }] },
      1,
    );

    expect(readRecords(s.cluster, 't', 0)).toEqual([
      { offset: 0n, key: 'k1', value: 'a0', producerId: 1000n, producerEpoch: 0, sequence: 0 },
      { offset: 1n, key: null, value: 'a1', producerId: 1000n, producerEpoch: 0, sequence: 1 },
      { offset: 2n, key: 'k1', value: null, producerId: 1000n, producerEpoch: 0, sequence: 2 },
      { offset: 3n, key: null, value: 'b0', producerId: 2000n, producerEpoch: 3, sequence: 7 },
      { offset: 4n, key: 'k2', value: 'b1', producerId: 2000n, producerEpoch: 3, sequence: 8 },
      { offset: 5n, key: null, value: 'a3', producerId: 1000n, producerEpoch: 0, sequence: 3 },
      { offset: 6n, key: null, value: 'plain', producerId: -1n, producerEpoch: -1, sequence: -1 },
    ]);
    expect(readRecords(s.cluster, 't', 1)).toEqual([
      { offset: 0n, key: null, value: 'p1', producerId: 3000n, producerEpoch: 1, sequence: 0 },
    ]);
  });

  it('gives each record its own sequence, wrapping past 2^31 - 1 to 0 as Kafka does', async () => {
    const s = setup();
    const records = ['x', 'y', 'z'].map((value) => ({ key: null, value }));
    await write(s, { producerId: 1000n, epoch: 0, baseSequence: MAX_SEQUENCE - 1, records });
    expect(readRecords(s.cluster, 't').map((r) => [r.offset, r.sequence])).toEqual([
      [0n, MAX_SEQUENCE - 1],
      [1n, MAX_SEQUENCE],
      [2n, 0],
    ]);
  });

  it('shows a retried batch once: what the log holds, not what was sent', async () => {
    const s = setup();
    const spec = { producerId: 1000n, epoch: 0, baseSequence: 0, records: [{ key: null, value: 'once' }] };
    await write(s, spec);
    await write(s, spec); // a duplicate: acknowledged, not appended again
    expect(readRecords(s.cluster, 't').map((r) => [r.offset, r.value])).toEqual([[0n, 'once']]);
  });

  it('reads a server through its cluster, partition 0 by default', async () => {
    const s = setup();
    await write(s, { producerId: 5n, epoch: 2, baseSequence: 0, records: [{ key: null, value: 'v' }] });
    const server = new MemoryBrokerServer(s.cluster); // not listening: only its cluster is read
    expect(readRecords(server, 't')).toEqual(readRecords(s.cluster, 't', 0));
    expect(readRecords(server, 't')).toHaveLength(1);
  });

  it('throws for an unknown partition, and for a cluster that keeps no record bytes', async () => {
    const s = setup();
    expect(() => readRecords(s.cluster, 't', 1)).toThrow(RangeError);
    expect(() => readRecords(s.cluster, 'nope', 0)).toThrow(RangeError);
    const bare = setup({ storeRecords: false });
    await write(bare, { producerId: 1000n, epoch: 0, baseSequence: 0, records: [{ key: null, value: 'v' }] });
    expect(() => readRecords(bare.cluster, 't')).toThrow(/storeRecords: false/);
  });
});

describe('readGenerationRecords', () => {
  it('reads a deleted generation of a topic by its id, while readRecords reads the live one', async () => {
    const s = setup();
    await write(s, { producerId: 1000n, epoch: 0, baseSequence: 0, records: [{ key: null, value: 'old' }] });
    s.cluster.deleteTopic('t');
    s.cluster.createTopic('t', { partitions: 1 });
    await write(s, { producerId: 1001n, epoch: 0, baseSequence: 0, records: [{ key: null, value: 'new' }] });
    const [old, live] = s.cluster.topicGenerations('t');
    expect(readGenerationRecords(s.cluster, old!.topicId)).toEqual([
      { offset: 0n, key: null, value: 'old', producerId: 1000n, producerEpoch: 0, sequence: 0 },
    ]);
    expect(readGenerationRecords(s.cluster, live!.topicId, 0)).toEqual(readRecords(s.cluster, 't'));
    expect(readRecords(s.cluster, 't').map((r) => r.value)).toEqual(['new']);
    expect(() => readGenerationRecords(s.cluster, old!.topicId, 1)).toThrow(RangeError);
  });
});
