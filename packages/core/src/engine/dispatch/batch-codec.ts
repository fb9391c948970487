import type { ProducerBatch } from '../accumulator/partition-state.js';

/**
 * How batches become RecordBatch bytes. Encoding happens once, when a batch first gets its sequence; an epoch
 * bump re-stamps the header fields (producer id, epoch, base sequence) and CRC without touching the records, so
 * a rewritten batch has exactly the same membership (librdkafka librdkafka#4736).
 */
export interface BatchCodec {
  encode(batch: ProducerBatch): Buffer;
  restamp(bytes: Buffer, producerId: bigint, epoch: number, baseSequence: number): Buffer;
}
