import { encodeRecordBatch, restampRecordBatch } from '@idem/codec';
import type { BatchCodec } from './batch-codec.js';
import type { ProducerBatch } from './partition-state.js';

/** The default BatchCodec: @idem/codec's RecordBatch v2 encoder, uncompressed. */
export const recordBatchCodec: BatchCodec = {
  encode(batch: ProducerBatch): Buffer {
    return encodeRecordBatch(
      {
        records: batch.records.map((record) => ({
          key: record.key,
          value: record.value,
          headers: record.headers,
          timestamp: record.timestamp,
        })),
        producerId: batch.producerId,
        producerEpoch: batch.epoch,
        baseSequence: batch.baseSequence,
      },
      // Every record carries its timestamp; passing `now` keeps the codec from reading the wall clock.
      { now: batch.createdAt },
    );
  },
  restamp(bytes: Buffer, producerId: bigint, epoch: number, baseSequence: number): Buffer {
    // A copy: a transport may still hold the old bytes (the memory broker keeps what it appended).
    return restampRecordBatch(bytes, { producerId, producerEpoch: epoch, baseSequence }, { copy: true });
  },
};
