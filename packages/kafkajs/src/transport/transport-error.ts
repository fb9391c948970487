// How the transport reports a failed request to the core: `notSent` is the one fact the core's safety rests on
// (true only with proof that the bytes never reached kafkajs's socket write).
import { IdemError } from '@idem/core';

export class TransportError extends IdemError {
  /** True when the request certainly never left this process; false means its outcome is unknown. */
  readonly notSent: boolean;
  /** The broker the request was for, when there was one. */
  readonly nodeId: number | undefined;

  constructor(message: string, options: { notSent: boolean; nodeId?: number; cause?: unknown }) {
    super('ERR_TRANSPORT', message, {
      retriable: true,
      possiblyPersisted: !options.notSent,
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.notSent = options.notSent;
    this.nodeId = options.nodeId;
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
