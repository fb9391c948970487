import type { IdemError } from '../../errors/idem-error.js';
import { BatchSendError } from '../../errors/send-errors.js';
import type { RecordMetadata, SendSink } from '../../producer/contract.js';

/**
 * One `send()` call: collects a result per record and settles the caller's promise once every record has one.
 * Records of one call may sit in different batches and partitions and complete in any order.
 */
export class SendCall {
  private readonly results: (RecordMetadata | IdemError | undefined)[];
  private remaining: number;
  private failures = 0;
  settled = false;
  private listeners: (() => void)[] | null = null;

  /**
   * `resolve`/`reject` are send()'s promise functions; an adapter's `sink` replaces both (sendTo: no closures per
   * call, which is most of what an adapter's hot path allocates).
   */
  constructor(
    count: number,
    private readonly isArray: boolean,
    private readonly resolve: ((value: RecordMetadata | RecordMetadata[]) => void) | null,
    private readonly reject: ((error: IdemError) => void) | null,
    private readonly sink: SendSink<RecordMetadata | RecordMetadata[]> | null = null,
  ) {
    this.results = new Array(count);
    this.remaining = count;
    if (count === 0) this.finish();
  }

  succeed(index: number, metadata: RecordMetadata): void {
    if (this.results[index] !== undefined) return;
    this.results[index] = metadata;
    if (--this.remaining === 0) this.finish();
  }

  fail(index: number, error: IdemError): void {
    if (this.results[index] !== undefined) return;
    this.results[index] = error;
    this.failures++;
    if (--this.remaining === 0) this.finish();
  }

  /** Runs `fn` once the call has settled (at once if it already has). */
  onSettled(fn: () => void): void {
    if (this.settled) {
      fn();
      return;
    }
    this.listeners ??= [];
    this.listeners.push(fn);
  }

  whenSettled(): Promise<void> {
    return new Promise((resolve) => this.onSettled(resolve));
  }

  private finish(): void {
    this.settled = true;
    const listeners = this.listeners;
    this.listeners = null;
    if (listeners !== null) for (const fn of listeners) fn();
    if (!this.isArray) {
      const only = this.results[0];
      if (this.failures > 0) this.failWith(only as IdemError);
      else this.succeedWith(only as RecordMetadata);
      return;
    }
    if (this.failures === 0) {
      this.succeedWith(this.results as RecordMetadata[]);
      return;
    }
    const errors = this.results.filter((r): r is IdemError => r instanceof Error);
    this.failWith(new BatchSendError([...this.results], errors));
  }

  private succeedWith(value: RecordMetadata | RecordMetadata[]): void {
    if (this.sink !== null) this.sink.resolved(value);
    else this.resolve!(value);
  }

  private failWith(error: IdemError): void {
    if (this.sink !== null) this.sink.rejected(error);
    else this.reject!(error);
  }
}
