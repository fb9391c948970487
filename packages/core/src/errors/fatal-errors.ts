import { IdemError } from './idem-error.js';

/** Why a producer became fatal (FatalProducerError.reason). */
export type FatalReason =
  /** PRODUCER_FENCED (90): another producer instance took over this producer id. */
  | 'fenced'
  /** InitProducerId failed with an error that retrying cannot fix (e.g. UNSUPPORTED_VERSION). */
  | 'initProducerId'
  /** Strict (gapless) mode and a gap in a partition's sequence became possible. */
  | 'gapless'
  /** An internal invariant did not hold; continuing could duplicate or reorder records. */
  | 'invariant';

/**
 * The producer hit an error it cannot recover from. Every pending send fails with it (each copy carrying that
 * send's own `possiblyPersisted`) and every later send is refused. Create a new producer to continue.
 */
export class FatalProducerError extends IdemError {
  readonly reason: FatalReason;
  /** The Kafka error code behind it, when a broker sent one. */
  readonly kafkaCode: number | null;

  constructor(
    reason: FatalReason,
    message: string,
    options: { kafkaCode?: number | null; possiblyPersisted?: boolean; cause?: unknown } = {},
  ) {
    super('ERR_PRODUCER_FATAL', message, {
      possiblyPersisted: options.possiblyPersisted ?? false,
      cause: options.cause,
    });
    this.reason = reason;
    this.kafkaCode = options.kafkaCode ?? null;
  }

  /** The same fatal error, reported for a send whose records may or may not be in the log. */
  forSend(possiblyPersisted: boolean): FatalProducerError {
    return new FatalProducerError(this.reason, this.message, {
      kafkaCode: this.kafkaCode,
      possiblyPersisted,
      cause: this,
    });
  }
}

/** InitProducerId was refused with CLUSTER_AUTHORIZATION_FAILED: the queued records fail, later sends retry. */
export class AuthorizationError extends IdemError {
  readonly kafkaCode: number;

  constructor(kafkaCode: number, kafkaName: string) {
    super('ERR_AUTHORIZATION', `The cluster refused a producer id: ${kafkaName} (${kafkaCode})`);
    this.kafkaCode = kafkaCode;
  }
}
