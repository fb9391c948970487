/**
 * Public API of @idem/confluent. Everything a user may import is re-exported here; other modules are internal.
 *
 * @packageDocumentation
 */
/** This package's name on npm. */
export const packageName = '@idem/confluent';

// idem's errors and types a user of this package touches, so no second dependency is needed.
export {
  AuthorizationError,
  BatchSendError,
  BrokerRejectedError,
  type CloseOptions,
  ConfigError,
  ConnectionFailedError,
  DeliveryTimeoutError,
  FatalProducerError,
  type FatalReason,
  type FlushOptions,
  FlushTimeoutError,
  IdemError,
  type InFlightBatchState,
  InvalidRecordError,
  isIdemError,
  type PartitionState,
  type Producer,
  ProducerClosedError,
  type ProducerEventName,
  type ProducerEvents,
  type ProducerListener,
  type ProducerOptions,
  type ProducerRecord,
  type ProducerState,
  type ProducerStatus,
  type RecordHeader,
  type RecordMetadata,
  RetriesExhaustedError,
  SendTimeoutError,
  SequenceConflictError,
} from '@idem/core';
export {
  type ConfluentProducerConfig,
  type RdkafkaValue,
  type ResolvedConfluentConfig,
  resolveConfluentConfig,
} from './config.js';
export { LibrdkafkaError } from './errors.js';
export { loadNative, NativeUnavailableError, PEER_NAME } from './native.js';
export {
  type ConfluentProducer,
  type ConfluentProducerState,
  confluentProducer,
  type IdempotenceState,
  type LibrdkafkaEosState,
} from './producer.js';
