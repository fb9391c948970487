import type { PendingRecord } from './pending-record.js';

/** A send() call whose records are not placed in batches yet. */
export interface BacklogEntry {
  readonly records: readonly PendingRecord[];
  readonly bytes: number;
  /** `maxBlockMs` after the call: fail with SendTimeoutError if still waiting then. */
  readonly deadline: number;
  /** Buffer bytes already taken for it. */
  reserved: boolean;
}

/**
 * Sends waiting for buffer space (back-pressure) or topic metadata, strictly first in first out: a later send
 * never overtakes an earlier one, so per-partition order is send() order even under back-pressure.
 */
export class SendBacklog {
  private readonly entries: BacklogEntry[] = [];
  private start = 0;

  push(entry: BacklogEntry): void {
    this.entries.push(entry);
  }

  get head(): BacklogEntry | undefined {
    return this.entries[this.start];
  }

  shift(): void {
    this.start++;
    if (this.start > 1024 && this.start * 2 > this.entries.length) {
      this.entries.splice(0, this.start);
      this.start = 0;
    }
  }

  get size(): number {
    return this.entries.length - this.start;
  }

  /** Removes and returns everything (fatal, close). */
  drain(): BacklogEntry[] {
    const rest = this.entries.slice(this.start);
    this.entries.length = 0;
    this.start = 0;
    return rest;
  }
}
