import type { ProducerBatch } from '../accumulator/partition-state.js';

/**
 * How batches become RecordBatch bytes. Encoding happens once, when a batch first gets its sequence; an epoch
 * bump re-stamps the header fields (producer id, epoch, base sequence) and CRC without touching the records, so
 * a rewritten batch has exactly the same membership (librdkafka librdkafka#4736).
 */
export interface BatchCodec {
  /** The batch's records as one RecordBatch v2 under its producer id, epoch and base sequence. */
  encode(batch: ProducerBatch): Buffer;
  /**
   * `bytes` (from encode) with producer id, epoch and base sequence replaced and the CRC recomputed. Must
   * return new bytes and leave `bytes` as they are: a transport may still hold them.
   */
  restamp(bytes: Buffer, producerId: bigint, epoch: number, baseSequence: number): Buffer;
}
