/**
 * Broker-version profiles: the producer-state rules that changed across Kafka releases
 * (docs/broker-rules.md §"The producer-state decision", last row).
 *
 * - '1.0-1.1': no state and a non-zero first sequence → UNKNOWN_PRODUCER_ID; a retry older than the
 *   retained batches → DUPLICATE_SEQUENCE_NUMBER.
 * - '2.0-2.4': as above, but an old retry gets OUT_OF_ORDER_SEQUENCE_NUMBER (KAFKA-6683).
 * - '2.5-4.4': a producer with no state may start at any sequence (KIP-360). Kafka 4.3.0, the broker
 *   in tooling/kafka, behaves like this, so it is the default.
 * - '4.5+': as '2.5-4.4', except a partition whose log never held a record accepts only a first
 *   sequence of 0 from a producer without state (KAFKA-15591).
 */
export type BrokerProfile = '1.0-1.1' | '2.0-2.4' | '2.5-4.4' | '4.5+';

/** The profile a cluster follows unless told otherwise: '2.5-4.4', as Kafka 4.3.0 in tooling/kafka behaves. */
export const DEFAULT_PROFILE: BrokerProfile = '2.5-4.4';

/** Every BrokerProfile, oldest release first. */
export const BROKER_PROFILES: readonly BrokerProfile[] = ['1.0-1.1', '2.0-2.4', '2.5-4.4', '4.5+'];
