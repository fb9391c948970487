import { decodeRecordBatch } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { PartitionEntry, ProducerBatch } from '../src/engine/accumulator/partition-state.js';
import { recordBatchCodec } from '../src/engine/dispatch/record-batch-codec.js';
import { SendCall } from '../src/engine/send/send-call.js';

function batchOf(values: string[]): ProducerBatch {
  const batch = new ProducerBatch(new PartitionEntry('t', 0), 1000);
  const call = new SendCall(
    values.length,
    true,
    () => {},
    () => {},
  );
  for (const [index, v] of values.entries()) {
    batch.records.push({
      topic: 't',
      partition: 0,
      key: index === 0 ? Buffer.from('k') : null,
      value: Buffer.from(v),
      headers: [{ key: 'h', value: Buffer.from('x') }],
      timestamp: 1_700_000_000_000n + BigInt(index),
      sizeBytes: 30,
      call,
      index,
      sentAt: 0,
    });
  }
  return batch;
}

describe('recordBatchCodec (the default, on @idem/codec)', () => {
  it('encodes the identity and the records as a RecordBatch v2', () => {
    const batch = batchOf(['a', 'b', 'c']);
    batch.producerId = 42n;
    batch.epoch = 3;
    batch.baseSequence = 2 ** 31 - 2;
    const decoded = decodeRecordBatch(recordBatchCodec.encode(batch));
    expect(decoded).toMatchObject({
      producerId: 42n,
      producerEpoch: 3,
      baseSequence: 2 ** 31 - 2,
      recordCount: 3,
    });
    expect(decoded.records.map((r) => r.value?.toString())).toEqual(['a', 'b', 'c']);
    expect(decoded.records[0]?.key?.toString()).toBe('k');
    expect(decoded.records[2]?.timestamp).toBe(1_700_000_000_002n);
    expect(decoded.records[1]?.headers[0]?.key).toBe('h');
  });

  it('restamps the identity into a copy with a valid CRC and the same records', () => {
    const batch = batchOf(['a', 'b']);
    batch.producerId = 7n;
    batch.epoch = 0;
    batch.baseSequence = 10;
    const original = recordBatchCodec.encode(batch);
    const before = Buffer.from(original);
    const restamped = recordBatchCodec.restamp(original, 7n, 1, 0);
    expect(original.equals(before)).toBe(true);
    const decoded = decodeRecordBatch(restamped);
    expect(decoded).toMatchObject({ producerId: 7n, producerEpoch: 1, baseSequence: 0 });
    expect(decoded.records.map((r) => r.value?.toString())).toEqual(['a', 'b']);
  });
});
