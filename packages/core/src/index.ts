/**
 * Public API of @idem/core. Everything a user may import is re-exported here; other modules are internal.
 *
 * @packageDocumentation
 */
export {
  MAX_IN_FLIGHT_FOR_IDEMPOTENCE,
  PRODUCER_DEFAULTS,
  type ProducerConfig,
  type ProducerOptions,
  resolveProducerConfig,
} from './config/index.js';
export type { BatchCodec } from './engine/dispatch/batch-codec.js';
export { recordBatchCodecFor } from './engine/dispatch/record-batch-codec.js';
export { ProducerEngine, type ProducerEngineOptions } from './engine/producer-engine.js';
export * from './errors/index.js';
export { keyedPartition, murmur2 } from './partitioner/murmur2.js';
export { systemClock } from './ports/system-clock.js';
export type {
  Clock,
  FatalConnectionCause,
  FatalConnectionError,
  NotSentError,
  Random,
  Transport,
} from './ports/transport.js';
export { fatalConnectionCause, isNotSent } from './ports/transport.js';
export type * from './producer/contract.js';
export { type CreateProducerOptions, createProducer } from './producer/create-producer.js';
