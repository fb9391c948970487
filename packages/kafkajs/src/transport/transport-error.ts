// How the transport reports a failed request to the core: `notSent` is the one fact the core's safety rests on
// (true only with proof that the bytes never reached kafkajs's socket write), and `fatalConnection` when the
// reason it was not sent is one no retry can fix (the core's FatalConnectionError shape).
import { type FatalConnectionCause, IdemError } from '@idem/core';
import { fatalConnectionCauseOf } from './fatal-connection.js';

export class TransportError extends IdemError {
  /** True when the request certainly never left this process; false means its outcome is unknown. */
  readonly notSent: boolean;
  /** The broker the request was for, when there was one. */
  readonly nodeId: number | undefined;
  /**
   * Set when the request was not sent because connecting failed in a way no retry can fix (wrong SASL password,
   * principal refused, TLS). Read off the cause, so every path that reports a not-sent failure carries it; never
   * set for an outcome-unknown failure, since the core fails such a batch at once as not written.
   */
  readonly fatalConnection?: FatalConnectionCause;

  constructor(message: string, options: { notSent: boolean; nodeId?: number; cause?: unknown }) {
    const fatal = options.notSent ? fatalConnectionCauseOf(options.cause) : null;
    super('ERR_TRANSPORT', message, {
      retriable: fatal === null,
      possiblyPersisted: !options.notSent,
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.notSent = options.notSent;
    this.nodeId = options.nodeId;
    if (fatal !== null) this.fatalConnection = fatal;
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
