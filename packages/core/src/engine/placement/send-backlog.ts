import type { PendingRecord } from '../send/pending-record.js';

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
 * Sends waiting for topic metadata or buffer space (back-pressure), in call order. A send never overtakes an
 * earlier one that shares a topic with it, so per-partition order is send() order; a send waiting for one topic's
 * metadata does not hold up sends to other topics (docs/design.md §"Placement").
 */
export class SendBacklog {
  /** Waiting sends, oldest first. */
  entries: BacklogEntry[] = [];

  push(entry: BacklogEntry): void {
    this.entries.push(entry);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Removes and returns everything. */
  drain(): BacklogEntry[] {
    const rest = this.entries;
    this.entries = [];
    return rest;
  }
}
