import { type CompressionName, encodeRecordBatch, restampRecordBatch } from '@idem/codec';
import type { ProducerBatch } from '../accumulator/partition-state.js';
import type { BatchCodec } from './batch-codec.js';

/**
 * @idem/codec's RecordBatch v2 encoder as a BatchCodec, writing every batch with `compression`. Restamping
 * rewrites only the header, outside any compressed payload, so it stays cheap for every codec.
 */
export function recordBatchCodecFor(compression: CompressionName = 'none'): BatchCodec {
  return {
    encode(batch: ProducerBatch): Buffer {
      return encodeRecordBatch(
        {
          // Pending records carry key, value, headers and timestamp under the codec's names: no copy needed.
          records: batch.records,
          producerId: batch.producerId,
          producerEpoch: batch.epoch,
          baseSequence: batch.baseSequence,
          compression,
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
}

/** The default BatchCodec: uncompressed. */
export const recordBatchCodec: BatchCodec = recordBatchCodecFor('none');
