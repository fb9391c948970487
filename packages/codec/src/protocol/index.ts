/** Public surface of the protocol layer; re-exported by the package index. */
export type { AnyApiCodec, ApiCodec, MessageCodec, RequestCodec, ResponseCodec } from './api-codec.js';
export { allApis, apiByKey } from './api-registry.js';
export { ApiKey, apis } from './apis.generated.js';
export {
  isRetriable,
  KAFKA_ERRORS,
  KAFKA_ERRORS_SOURCE_VERSION,
  type KafkaError,
  KafkaErrorCode,
  type KafkaErrorName,
  kafkaErrorByCode,
} from './error-codes.js';
export { FrameSplitter, type FrameSplitterOptions, FrameTooLargeError } from './frame-splitter.js';
export {
  type DecodedRequestFrame,
  type DecodedResponseFrame,
  decodeRequestFrame,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  encodeUnsupportedApiVersionsResponse,
  peekCorrelationId,
} from './frames.js';
export type { RequestHeaderFields } from './headers.js';
export { decodeMessage, encodeMessage, isFlexibleVersion, isValidVersion } from './schema/message-codec.js';
export type {
  FieldDefault,
  FieldSchema,
  FieldType,
  MessageSchema,
  ScalarType,
  TaggedField,
} from './schema/types.js';
export type * from './schemas/index.js';
