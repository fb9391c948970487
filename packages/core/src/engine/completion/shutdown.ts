import type { FatalProducerError } from '../../errors/fatal-errors.js';
import type { IdemError } from '../../errors/idem-error.js';
import { ProducerClosedError } from '../../errors/send-errors.js';
import type { Accumulator } from '../accumulator/accumulator.js';
import type { PartitionEntry } from '../accumulator/partition-state.js';
import type { EngineContext } from '../engine-context.js';
import type { RecordPlacement } from '../placement/record-placement.js';
import { advance } from './completion.js';
import { rejectBatch } from './settle-records.js';

/** Fails every batch still waiting for a sequence; they were never sent. */
export function failUnsent(
  ctx: EngineContext,
  accumulator: Accumulator,
  entry: PartitionEntry,
  error: IdemError,
): void {
  while (entry.queue.length > 0) {
    const batch = accumulator.take(entry)!;
    batch.status = 'conflict';
    rejectBatch(ctx, batch, error);
  }
}

/**
 * The fatal state's sweep (docs/design.md §"Invariants"): everything not on the wire fails with the fatal error (carrying each
 * batch's own possiblyPersisted); requests in flight finish and are swept again when they return.
 */
export function sweepFatal(
  ctx: EngineContext,
  accumulator: Accumulator,
  placement: RecordPlacement,
  error: FatalProducerError,
): void {
  placement.failAll(error.forSend(false));
  for (const entry of placement.partitions.values()) {
    failUnsent(ctx, accumulator, entry, error.forSend(false));
    for (const batch of entry.inflight) {
      if ((batch.status === 'live' && !batch.onWire) || batch.status === 'unknownFate') {
        batch.status = 'conflict';
        rejectBatch(ctx, batch, error.forSend(batch.possiblyPersisted));
      }
    }
    advance(ctx, entry);
  }
}

/**
 * close(): settles every remaining send — possibly persisted if it was ever sent — and clears the partitions.
 * After a clean drain only bookkeeping of batches already reported is left (e.g. one given up by bounded
 * delivery whose request is still out).
 */
export function abandonAll(ctx: EngineContext, accumulator: Accumulator, placement: RecordPlacement): void {
  const unsent = new ProducerClosedError(false, 'closed before sent');
  placement.failAll(unsent);
  for (const entry of placement.partitions.values()) {
    failUnsent(ctx, accumulator, entry, unsent);
    for (const batch of entry.inflight) {
      if (batch.status !== 'live' && batch.status !== 'unknownFate') continue;
      const maybe = batch.possiblyPersisted || batch.onWire;
      batch.status = 'conflict';
      rejectBatch(ctx, batch, new ProducerClosedError(maybe, 'closed before the broker acknowledged'));
    }
    // Acknowledged batches waiting on the ones just failed complete now.
    advance(ctx, entry);
    entry.inflight = [];
  }
}
