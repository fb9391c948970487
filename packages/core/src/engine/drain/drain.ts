import { incrementSequence, NO_SEQUENCE } from '@idem/codec';
import { InvalidRecordError } from '../../errors/send-errors.js';
import type { Accumulator } from '../accumulator/accumulator.js';
import type { PartitionEntry, ProducerBatch } from '../accumulator/partition-state.js';
import { rejectBatch } from '../completion/settle-records.js';
import type { EngineContext } from '../engine-context.js';

/** The batch a partition can put into a request to `node` now, or the time to look again (docs/design.md §"Invariants"). */
export type DrainDecision =
  | { readonly batch: ProducerBatch; readonly retry: boolean }
  | { readonly batch: null; readonly wakeAt: number };

const NOTHING: DrainDecision = Object.freeze({ batch: null, wakeAt: Number.POSITIVE_INFINITY });

function later(wakeAt: number): DrainDecision {
  return { batch: null, wakeAt };
}

/**
 * Decides what `entry` may send to `node` now. Retries come first and go strictly one at a time, head of line
 * (I4); a fresh batch gets its sequence here and nowhere else, so concurrent sends can never share one.
 */
export function nextBatch(
  ctx: EngineContext,
  accumulator: Accumulator,
  entry: PartitionEntry,
  node: number,
  now: number,
  flushing: boolean,
): DrainDecision {
  // Requests of a previous leader must drain before the new leader gets anything (I3 across leader moves).
  if (entry.wireCount > 0 && entry.wireNode !== node) return NOTHING;
  // A bump is pending: nothing moves until it renumbers the partition.
  if (entry.bumpRequested) return NOTHING;

  const retry = firstLive(entry.inflight);
  if (retry !== undefined && !retry.onWire) {
    // Head-of-line retry (I4): alone on the wire, only the earliest unfinished batch.
    if (entry.wireCount > 0) return NOTHING;
    if (retry.retryAt > now) return later(retry.retryAt);
    return { batch: retry, retry: true };
  }
  if (retry !== undefined && hasPendingRetry(entry.inflight)) return NOTHING;

  const head = entry.queue[0];
  if (head === undefined) return NOTHING;
  const readyAt = accumulator.readyAt(head, flushing);
  if (readyAt > now) return later(readyAt);
  if (!ctx.config.idempotent) {
    if (entry.inflight.length >= ctx.config.maxInFlightRequestsPerConnection) return NOTHING;
    const batch = stamp(ctx, accumulator, entry, -1n, -1, NO_SEQUENCE);
    return batch === null ? later(now) : { batch, retry: false };
  }

  // A batch of unknown fate is unresolved until a later answer settles it: no new sequences meanwhile, so the
  // partition's next epoch bump (if one is needed) renumbers only what is certainly not in the log.
  if (
    entry.inflight.some(
      (b) => b.status === 'deadUnknown' || b.status === 'deadNotWritten' || b.status === 'unknownFate',
    )
  )
    return NOTHING;

  const current = ctx.ids.identity;
  if (entry.identity.generation !== current.generation) {
    // I3: adopt the new identity only with nothing in flight under the old one.
    if (entry.inflight.length > 0) return NOTHING;
    const first = entry.identity.generation < 0 && ctx.firstSequence !== null;
    entry.identity = current;
    entry.nextSequence = first ? ctx.firstSequence!(entry.topic, entry.partition) : 0;
    entry.lastAckedSequence = -1;
    entry.okSinceLeader = false;
  }
  if (entry.inflight.length >= ctx.config.maxInFlightRequestsPerConnection) return NOTHING;
  if (entry.okSinceLeader && now - entry.lastAckAt >= ctx.config.producerIdExpirationMs) {
    // Idle long enough for the broker to have expired our state: it would accept any sequence again.
    entry.okSinceLeader = false;
  }
  if (!entry.okSinceLeader && entry.inflight.length > 0) return NOTHING;

  const batch = stamp(ctx, accumulator, entry, current.producerId, current.epoch, entry.nextSequence);
  if (batch === null) return later(now);
  entry.nextSequence = incrementSequence(entry.nextSequence, batch.recordCount);
  return { batch, retry: false };
}

function stamp(
  ctx: EngineContext,
  accumulator: Accumulator,
  entry: PartitionEntry,
  producerId: bigint,
  epoch: number,
  baseSequence: number,
): ProducerBatch | null {
  const batch = accumulator.take(entry)!;
  batch.producerId = producerId;
  batch.epoch = epoch;
  batch.baseSequence = baseSequence;
  try {
    // Encoded once; every retry sends these bytes (I1).
    batch.bytes = ctx.codec.encode(batch);
  } catch (error) {
    // Nothing was sent and the sequence is not taken: the records fail, the partition goes on.
    batch.status = 'conflict';
    const message = error instanceof Error ? error.message : String(error);
    rejectBatch(ctx, batch, new InvalidRecordError('batch', `could not be encoded: ${message}`));
    return null;
  }
  batch.status = 'live';
  entry.inflight.push(batch);
  return batch;
}

/** The earliest batch not yet acknowledged or failed. */
export function firstLive(inflight: readonly ProducerBatch[]): ProducerBatch | undefined {
  for (const batch of inflight) if (batch.status === 'live') return batch;
  return undefined;
}

function hasPendingRetry(inflight: readonly ProducerBatch[]): boolean {
  for (const batch of inflight) if (batch.status === 'live' && !batch.onWire) return true;
  return false;
}
