import { DeliveryTimeoutError } from '../../errors/send-errors.js';
import type { PartitionEntry } from '../accumulator/partition-state.js';
import { advance } from '../completion/completion.js';
import { rejectBatch } from '../completion/settle-records.js';
import type { EngineContext } from '../engine-context.js';
import { failNotWritten, giveUpUnknown, reportUnknown } from './batch-fate.js';

/**
 * Delivery timeout (docs/design.md §"Bounded delivery") for one partition. Unsent batches fail (they have no sequence yet). A batch
 * with a sequence fails only if the broker certainly does not have it; one whose outcome is unknown keeps its
 * identity and is retried, unless bounded delivery was chosen — then it fails with possiblyPersisted and the
 * partition stays unresolved until later answers tell. Returns the next time something here can expire.
 */
export function expireBatches(ctx: EngineContext, entry: PartitionEntry, now: number): number {
  const timeout = ctx.config.deliveryTimeoutMs;
  let next = Number.POSITIVE_INFINITY;

  while (entry.queue.length > 0) {
    const batch = entry.queue[0]!;
    const deadline = batch.createdAt + timeout;
    if (deadline > now) {
      next = Math.min(next, deadline);
      break;
    }
    entry.queue.shift();
    entry.queuedRecords -= batch.recordCount;
    batch.status = 'conflict';
    rejectBatch(
      ctx,
      batch,
      new DeliveryTimeoutError(timeout, false, `${entry.topic}-${entry.partition}: batch never sent`),
    );
  }

  let changed = false;
  for (const batch of entry.inflight) {
    if (batch.status !== 'live' && batch.status !== 'unknownFate') continue;
    const deadline = batch.createdAt + timeout;
    if (deadline > now) {
      next = Math.min(next, deadline);
      continue;
    }
    const where = `${entry.topic}-${entry.partition} sequence ${batch.baseSequence}`;
    changed = true;
    if (batch.status === 'unknownFate') {
      reportUnknown(ctx, batch, new DeliveryTimeoutError(timeout, true, `${where}: outcome unknown`));
    } else if (!batch.possiblyPersisted && !batch.onWire) {
      failNotWritten(ctx, batch, new DeliveryTimeoutError(timeout, false, `${where} was never written`));
    } else {
      // Bounded for every batch: it settles as possibly persisted, keeps its identity, is never resent, and a
      // later answer (its own attempt still out, or a later batch) may still prove it written (lateAck).
      giveUpUnknown(ctx, batch, new DeliveryTimeoutError(timeout, true, `${where}: outcome unknown`));
    }
  }
  if (changed) advance(ctx, entry);
  return next;
}
