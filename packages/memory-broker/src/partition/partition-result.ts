/** The outcome of producing to one partition, before it is shaped into a ProduceResponse entry. */
import { KafkaErrorCode } from '@idem/codec';

export interface RecordErrorEntry {
  readonly batchIndex: number;
  readonly batchIndexErrorMessage: string | null;
}

export interface PartitionResult {
  readonly errorCode: number;
  readonly baseOffset: number;
  readonly logAppendTime: number;
  readonly logStartOffset: number;
  readonly recordErrors: readonly RecordErrorEntry[];
  readonly errorMessage: string | null;
  /** Why, in words (not sent to clients unless Kafka sends it; kept for events and debugging). */
  readonly reason: string | null;
  /** Set when a batch reached the log during this request. */
  readonly appended: { readonly baseOffset: number; readonly lastOffset: number } | null;
  readonly duplicate: boolean;
}

const NO_ERRORS: readonly RecordErrorEntry[] = Object.freeze([]);

/**
 * Kafka leaves logStartOffset at -1 for these errors (ReplicaManager.appendToLocalLog) and fills it
 * with the partition's log start offset for the others.
 */
const NO_LOG_START_OFFSET = new Set<number>([
  KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  KafkaErrorCode.NOT_LEADER_OR_FOLLOWER,
  KafkaErrorCode.MESSAGE_TOO_LARGE,
  KafkaErrorCode.RECORD_LIST_TOO_LARGE,
  KafkaErrorCode.CORRUPT_MESSAGE,
  KafkaErrorCode.KAFKA_STORAGE_ERROR,
  KafkaErrorCode.UNKNOWN_TOPIC_ID,
]);

/** An error decided inside the log append (logStartOffset filled per Kafka's rule). */
export function appendError(
  errorCode: number,
  logStartOffset: number,
  reason: string,
  extra: { recordErrors?: readonly RecordErrorEntry[]; errorMessage?: string | null } = {},
): PartitionResult {
  return {
    errorCode,
    baseOffset: -1,
    logAppendTime: -1,
    logStartOffset: NO_LOG_START_OFFSET.has(errorCode) ? -1 : logStartOffset,
    recordErrors: extra.recordErrors ?? NO_ERRORS,
    errorMessage: extra.errorMessage ?? null,
    reason,
    appended: null,
    duplicate: false,
  };
}

/** An error decided before the log is reached (request validation, routing): every offset -1. */
export function requestError(
  errorCode: number,
  reason: string,
  errorMessage: string | null = null,
): PartitionResult {
  return {
    errorCode,
    baseOffset: -1,
    logAppendTime: -1,
    logStartOffset: -1,
    recordErrors: NO_ERRORS,
    errorMessage,
    reason,
    appended: null,
    duplicate: false,
  };
}

export function success(
  baseOffset: number,
  logAppendTime: number,
  logStartOffset: number,
  appended: PartitionResult['appended'],
  duplicate: boolean,
): PartitionResult {
  return {
    errorCode: KafkaErrorCode.NONE,
    baseOffset,
    logAppendTime,
    logStartOffset,
    recordErrors: NO_ERRORS,
    errorMessage: null,
    reason: null,
    appended,
    duplicate,
  };
}
