import type { ProducerBatch } from '../../src/engine/accumulator/partition-state.js';
import type { BatchCodec } from '../../src/engine/dispatch/batch-codec.js';

/**
 * A stand-in BatchCodec for engine tests: the identity fields sit where RecordBatch v2 has them (producer id at
 * 43, epoch at 51, base sequence at 53, record count at 57) and the records follow as JSON, so the fake cluster
 * can read both without the real codec.
 */
export const testCodec: BatchCodec = {
  encode(batch: ProducerBatch): Buffer {
    const body = Buffer.from(
      JSON.stringify(
        batch.records.map((r) => ({
          key: r.key?.toString('utf8') ?? null,
          value: r.value?.toString('utf8') ?? null,
          timestamp: r.timestamp.toString(),
        })),
      ),
    );
    const header = Buffer.alloc(61);
    header.writeInt32BE(49 + body.length, 8);
    header.writeInt8(2, 16);
    header.writeInt32BE(batch.recordCount - 1, 23);
    header.writeBigInt64BE(batch.producerId, 43);
    header.writeInt16BE(batch.epoch, 51);
    header.writeInt32BE(batch.baseSequence, 53);
    header.writeInt32BE(batch.recordCount, 57);
    return Buffer.concat([header, body]);
  },
  restamp(bytes: Buffer, producerId: bigint, epoch: number, baseSequence: number): Buffer {
    const copy = Buffer.from(bytes);
    copy.writeBigInt64BE(producerId, 43);
    copy.writeInt16BE(epoch, 51);
    copy.writeInt32BE(baseSequence, 53);
    return copy;
  },
};

export interface DecodedTestBatch {
  producerId: bigint;
  epoch: number;
  baseSequence: number;
  count: number;
  records: { key: string | null; value: string | null; timestamp: string }[];
}

export function decodeTestBatch(bytes: Uint8Array): DecodedTestBatch {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    producerId: buf.readBigInt64BE(43),
    epoch: buf.readInt16BE(51),
    baseSequence: buf.readInt32BE(53),
    count: buf.readInt32BE(57),
    records: JSON.parse(buf.subarray(61).toString('utf8')),
  };
}
