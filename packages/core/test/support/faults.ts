/** What the fault tests (fault-scenarios, memory-broker-faults) share: the Kafka error codes they inject, and bursts of sends. */
import type { ProducerEngine } from '../../src/engine/producer-engine.js';
import type { RecordMetadata } from '../../src/index.js';

/** The Kafka error codes the fault tests inject (by their names in the tests). */
export const ErrorCode = {
  NOT_LEADER: 6,
  REQUEST_TIMED_OUT: 7,
  OUT_OF_ORDER: 45,
  DUPLICATE_SEQUENCE: 46,
  INVALID_PRODUCER_EPOCH: 47,
  UNKNOWN_PRODUCER_ID: 59,
  INVALID_RECORD: 87,
  PRODUCER_FENCED: 90,
} as const;

/** Sends `count` single-record sends to one partition; values are `${prefix}${i}`. */
export function burst(
  h: { producer: ProducerEngine },
  count: number,
  prefix = 'v',
  partition = 0,
  topic = 't',
): Promise<RecordMetadata>[] {
  return Array.from({ length: count }, (_, i) =>
    h.producer.send({ topic, partition, value: `${prefix}${i}` }),
  );
}
