import type { SendCall } from './send-call.js';

/**
 * The producer's send calls that have not settled, oldest first, for `flush()` and `close()`. A list in call
 * order, pruned of settled calls when it has doubled, costs an array push per send; a Set cost an identity
 * hash and a delete per send on the hot path.
 */
export class UnsettledCalls {
  private calls: SendCall[] = [];
  private pruneAt = 1024;

  add(call: SendCall): void {
    this.calls.push(call);
    if (this.calls.length >= this.pruneAt) this.prune();
  }

  /** The calls not yet settled, in call order. */
  list(): SendCall[] {
    this.prune();
    return this.calls.slice();
  }

  private prune(): void {
    this.calls = this.calls.filter((call) => !call.settled);
    this.pruneAt = Math.max(1024, this.calls.length * 2);
  }
}
