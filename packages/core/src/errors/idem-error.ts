/**
 * The brand every idem error carries. `Symbol.for` makes it the same symbol in every realm and in every copy of
 * this package, so `isIdemError` works across worker threads, vm contexts and duplicated installs where
 * `instanceof` would not.
 */
const IDEM_ERROR_BRAND: unique symbol = Symbol.for('@idem/error') as never;

/** Options of the IdemError constructor; `retriable` and `possiblyPersisted` default to false. */
export interface IdemErrorOptions {
  readonly retriable?: boolean;
  /** The records this error is about may nevertheless be in the log (an attempt's outcome was never learned). */
  readonly possiblyPersisted?: boolean;
  /** The underlying error, kept as the standard `Error.cause`. */
  readonly cause?: unknown;
}

/** Base of every error idem reports. `code` is stable and meant for programs; the message is for people. */
export class IdemError extends Error {
  readonly code: string;
  /** Sending the same records again may succeed. */
  readonly retriable: boolean;
  /**
   * True when the records may have been written even though their send failed: an attempt's outcome was unknown
   * (lost response, timeout) and the producer gave up on learning it. False means the broker certainly does not
   * hold them under this send.
   */
  readonly possiblyPersisted: boolean;
  readonly [IDEM_ERROR_BRAND] = true;

  constructor(code: string, message: string, options: IdemErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.possiblyPersisted = options.possiblyPersisted ?? false;
  }
}

/** Whether `value` is an idem error, from this copy of the package or any other. */
export function isIdemError(value: unknown): value is IdemError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [IDEM_ERROR_BRAND]?: unknown })[IDEM_ERROR_BRAND] === true
  );
}
