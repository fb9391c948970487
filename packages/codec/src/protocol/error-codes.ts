import { KAFKA_ERROR_ROWS, type KafkaErrorCode } from './error-table.generated.js';

export { KAFKA_ERRORS_SOURCE_VERSION, KafkaErrorCode } from './error-table.generated.js';

/** A Kafka error name such as 'OUT_OF_ORDER_SEQUENCE_NUMBER'. */
export type KafkaErrorName = keyof typeof KafkaErrorCode;

/** One row of Kafka's error table (org.apache.kafka.common.protocol.Errors). */
export interface KafkaError {
  readonly code: number;
  /** Kafka's enum name; codes Kafka does not define get `UNKNOWN_ERROR_CODE_<code>`. */
  readonly name: KafkaErrorName | `UNKNOWN_ERROR_CODE_${number}`;
  /** Kafka's exception for this code extends RetriableException: the same request may succeed if retried. */
  readonly retriable: boolean;
  /** Kafka's exception extends InvalidMetadataException: refresh metadata before retrying. */
  readonly invalidMetadata: boolean;
  /** Simple name of the Java exception class, null for NONE and unknown codes. */
  readonly exception: string | null;
  /** Kafka's default message for the code, null for NONE. */
  readonly message: string | null;
  /** False for codes this table (Kafka 4.3.0) does not define, e.g. from a newer broker. */
  readonly known: boolean;
}

const byCode = new Map<number, KafkaError>();
for (const [code, name, retriable, invalidMetadata, exception, message] of KAFKA_ERROR_ROWS) {
  byCode.set(
    code,
    Object.freeze({ code, name, retriable, invalidMetadata, exception, message, known: true }),
  );
}

/** Every known error, ordered by code as Kafka lists them. */
export const KAFKA_ERRORS: readonly KafkaError[] = Object.freeze([...byCode.values()]);

/**
 * The table entry for `code`. A code Kafka 4.3.0 does not define (a newer broker, a corrupt response) returns
 * an entry marked `known: false` and not retriable, rather than throwing: the caller decides what to do.
 */
export function kafkaErrorByCode(code: number): KafkaError {
  const known = byCode.get(code);
  if (known !== undefined) return known;
  return {
    code,
    name: `UNKNOWN_ERROR_CODE_${code}`,
    retriable: false,
    invalidMetadata: false,
    exception: null,
    message: null,
    known: false,
  };
}

/** Whether Kafka classes `code` as retriable; unknown codes are not. */
export function isRetriable(code: number): boolean {
  return byCode.get(code)?.retriable ?? false;
}
