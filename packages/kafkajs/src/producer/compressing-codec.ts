// A BatchCodec that compresses: the core's default writes uncompressed batches, and kafkajs users expect
// `compression` to work. Restamping only rewrites the header (outside the compressed payload), so it stays cheap.
import { type CompressionName, encodeRecordBatch, restampRecordBatch } from '@idem/codec';
import type { BatchCodec } from '@idem/core';

type Batch = Parameters<BatchCodec['encode']>[0];

export function compressingCodec(compression: CompressionName): BatchCodec {
  return {
    encode(batch: Batch): Buffer {
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
          compression,
        },
        { now: batch.createdAt },
      );
    },
    restamp(bytes: Buffer, producerId: bigint, epoch: number, baseSequence: number): Buffer {
      // A copy: the previous attempt's bytes may still be held by a request in flight.
      return restampRecordBatch(bytes, { producerId, producerEpoch: epoch, baseSequence }, { copy: true });
    },
  };
}
