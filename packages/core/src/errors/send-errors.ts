import { IdemError } from './idem-error.js';

/** The records waited longer than `deliveryTimeoutMs` for an acknowledgement. */
export class DeliveryTimeoutError extends IdemError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number, possiblyPersisted: boolean, detail: string) {
    super('ERR_DELIVERY_TIMEOUT', `Delivery timed out after ${timeoutMs} ms: ${detail}`, {
      retriable: true,
      possiblyPersisted,
    });
    this.timeoutMs = timeoutMs;
  }
}

/** The batch failed retriably more than `retries` times (never for a possibly-persisted batch unless bounded). */
export class RetriesExhaustedError extends IdemError {
  readonly retries: number;
  readonly lastReason: string;

  constructor(retries: number, lastReason: string, possiblyPersisted: boolean) {
    super('ERR_RETRIES_EXHAUSTED', `Gave up after ${retries} retries; the last failure was ${lastReason}`, {
      retriable: true,
      possiblyPersisted,
    });
    this.retries = retries;
    this.lastReason = lastReason;
  }
}

/** The broker rejected the records with a Kafka error that retrying the same batch cannot fix. */
export class BrokerRejectedError extends IdemError {
  /** The Kafka error code, e.g. 87 for INVALID_RECORD. */
  readonly kafkaCode: number;
  /** The Kafka error name, e.g. 'INVALID_RECORD'. */
  readonly kafkaName: string;

  constructor(
    kafkaCode: number,
    kafkaName: string,
    possiblyPersisted: boolean,
    brokerMessage?: string | null,
  ) {
    super(
      'ERR_BROKER_REJECTED',
      `The broker rejected the batch with ${kafkaName} (${kafkaCode})${brokerMessage ? `: ${brokerMessage}` : ''}`,
      { possiblyPersisted },
    );
    this.kafkaCode = kafkaCode;
    this.kafkaName = kafkaName;
  }
}

/**
 * The batch can no longer be written under its identity: its sequence lies before data the broker already
 * accepted (the broker lost producer state). Resending it would put it after later records, so it is failed.
 */
export class SequenceConflictError extends IdemError {
  constructor(topic: string, partition: number, possiblyPersisted: boolean) {
    super(
      'ERR_SEQUENCE_CONFLICT',
      `${topic}-${partition}: the broker answered OUT_OF_ORDER_SEQUENCE_NUMBER for a batch that precedes acknowledged data; it cannot be written in order any more`,
      { possiblyPersisted },
    );
  }
}

/** `send()` waited longer than `maxBlockMs` for buffer space or topic metadata. Nothing was sent. */
export class SendTimeoutError extends IdemError {
  readonly reason: 'bufferFull' | 'metadata';

  constructor(reason: 'bufferFull' | 'metadata', waitedMs: number, detail: string) {
    super('ERR_SEND_TIMEOUT', `send() gave up after ${waitedMs} ms waiting for ${detail}`, {
      retriable: true,
    });
    this.reason = reason;
  }
}

/** The record is invalid as given (bad partition, oversized, wrong value type). Nothing was sent. */
export class InvalidRecordError extends IdemError {
  readonly field: string;

  constructor(field: string, message: string) {
    super('ERR_INVALID_RECORD', `Invalid record: ${field}: ${message}`);
    this.field = field;
  }
}

/** `send()` after `close()`, or a send still pending when `close({ timeoutMs })` gave up waiting. */
export class ProducerClosedError extends IdemError {
  constructor(possiblyPersisted = false, detail = 'the producer is closed') {
    super('ERR_PRODUCER_CLOSED', detail, { possiblyPersisted });
  }
}

/** One outcome per record of a `send([...])` call; thrown when at least one record failed. */
export class BatchSendError extends IdemError {
  /** In input order: the record's metadata, or the error that failed it. */
  readonly results: readonly unknown[];
  /** The errors of the failed records, in input order. */
  readonly errors: readonly IdemError[];

  constructor(results: readonly unknown[], errors: readonly IdemError[]) {
    const first = errors[0];
    super(
      'ERR_BATCH_SEND',
      `${errors.length} of ${results.length} records failed; first: ${first?.message ?? 'unknown'}`,
      { possiblyPersisted: errors.some((e) => e.possiblyPersisted), cause: first },
    );
    this.results = results;
    this.errors = errors;
  }
}

/**
 * A connection failed in a way no retry can fix: the broker refused our credentials (SASL), our principal may not
 * connect, or TLS failed. This attempt sent nothing (`possiblyPersisted` is true only when an earlier attempt of the
 * same records may be in the log). Fix the configuration named in the message; the next send connects again.
 */
export class ConnectionFailedError extends IdemError {
  /** What failed: 'authentication', 'authorization' or 'tls'. */
  readonly reason: 'authentication' | 'authorization' | 'tls';

  constructor(reason: 'authentication' | 'authorization' | 'tls', detail: string, possiblyPersisted = false) {
    const fix =
      reason === 'authentication'
        ? 'check the SASL mechanism, user name and password'
        : reason === 'authorization'
          ? 'grant this principal access on the broker'
          : 'check the TLS certificates and the broker address';
    super('ERR_CONNECTION_FAILED', `Connection refused by ${reason} failure (${fix}): ${detail}`, {
      retriable: false,
      possiblyPersisted,
    });
    this.reason = reason;
  }
}

/** `flush({ timeoutMs })` ran out of time; the sends themselves go on and settle on their own. */
export class FlushTimeoutError extends IdemError {
  readonly timeoutMs: number;
  /** Send calls still unsettled when the time ran out. */
  readonly pendingSends: number;

  constructor(timeoutMs: number, pendingSends: number) {
    super(
      'ERR_FLUSH_TIMEOUT',
      `flush() waited ${timeoutMs} ms; ${pendingSends} send call(s) still pending (each settles by deliveryTimeoutMs)`,
      { retriable: true },
    );
    this.timeoutMs = timeoutMs;
    this.pendingSends = pendingSends;
  }
}
