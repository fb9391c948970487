/**
 * Public API of @idem/kafkajs. Everything a user may import is re-exported here; other modules are internal.
 *
 * @packageDocumentation
 */
/** This package's name on npm. */
export const packageName = '@idem/kafkajs';

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
  InvalidRecordError,
  isIdemError,
  type Producer,
  ProducerClosedError,
  type ProducerEventName,
  type ProducerEvents,
  type ProducerListener,
  type ProducerOptions,
  type ProducerRecord,
  type ProducerState,
  type ProducerStatus,
  type PartitionState,
  type InFlightBatchState,
  type RecordMetadata,
  type RecordHeader,
  RetriesExhaustedError,
  SendTimeoutError,
  SequenceConflictError,
} from '@idem/core';
export {
  type DisconnectOptions,
  IdempotentKafkajsProducer,
  type IdemProducerOptions,
  type IdempotentProducerConfig,
  type InstrumentationListener,
  idempotentProducer,
  type KafkajsProducerEventName,
  UnsupportedFeatureError,
} from './producer/index.js';
export {
  createKafkajsTransport,
  KafkajsTransport,
  type KafkajsTransportOptions,
  TransportError,
} from './transport/index.js';
