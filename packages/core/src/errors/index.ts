export { ConfigError } from './config-error.js';
export { AuthorizationError, FatalProducerError, type FatalReason } from './fatal-errors.js';
export { IdemError, type IdemErrorOptions, isIdemError } from './idem-error.js';
export {
  BatchSendError,
  BrokerRejectedError,
  ConnectionFailedError,
  DeliveryTimeoutError,
  FlushTimeoutError,
  InvalidRecordError,
  ProducerClosedError,
  RetriesExhaustedError,
  SendTimeoutError,
  SequenceConflictError,
} from './send-errors.js';
