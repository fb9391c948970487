import { lastSequence } from '@idem/codec';
import type { PartitionEntry, ProducerBatch } from '../accumulator/partition-state.js';
import { type EngineContext, requestBump } from '../engine-context.js';
import { reportUnknown, reportUnprovable, settleWritten } from '../outcome/batch-fate.js';
import { resolveBatch } from './settle-records.js';

/** Moves the partition's acknowledged position past `batch` (called in sequence order only). */
function recordAck(entry: PartitionEntry, batch: ProducerBatch): void {
  if (batch.producerId === entry.identity.producerId && batch.epoch === entry.identity.epoch) {
    entry.lastAckedSequence = lastSequence(batch.baseSequence, batch.recordCount);
  }
  if (batch.baseOffset >= 0n) entry.lastAckedOffset = batch.baseOffset + BigInt(batch.recordCount - 1);
}

/**
 * Completes the partition's batches from the front, in sequence order (I6): an acknowledged batch behind an
 * unfinished one waits. Failed batches at the front are dropped, and a gap they leave (the broker never appended
 * them, nothing later was accepted) makes the partition ask for an epoch bump — only now, when everything before
 * the gap is resolved, so nothing that may have been written is ever renumbered (KAFKA-14034, KAFKA-14034).
 */
export function advance(ctx: EngineContext, entry: PartitionEntry): void {
  const inflight = entry.inflight;
  let removed = 0;
  while (removed < inflight.length) {
    const head = inflight[removed]!;
    if (head.status === 'acked') {
      recordAck(entry, head);
      resolveBatch(ctx, head);
    } else if (head.status === 'lateAcked' || head.status === 'conflict') {
      if (head.status === 'lateAcked') recordAck(entry, head);
    } else if (head.status === 'unknownFate') {
      // Held (docs/design.md §"The unknown-fate rule"): a later batch of this identity will settle it — its ack
      // proves this one written, its OUT_OF_ORDER proves it not. With none left to ask, it is reported as possibly
      // persisted and handled like any batch given up with an unknown outcome (the next branch, on the next pass).
      if (laterAcked(inflight, removed + 1)) {
        if (laterAckProves(inflight, removed + 1)) settleWritten(head);
        else reportUnprovable(ctx, head);
      } else if (laterLive(inflight, removed + 1) && !entry.bumpRequested) break;
      else reportUnknown(ctx, head);
      continue;
    } else if (head.status === 'deadNotWritten') {
      if (head.onWire) break;
      if (!laterAcked(inflight, removed + 1)) requestBump(ctx, entry);
    } else if (head.status === 'deadUnknown') {
      if (head.onWire) break;
      // A later batch decides: its ack proves this one was written, its OUT_OF_ORDER proves it was not.
      if (laterLive(inflight, removed + 1)) break;
      if (laterAcked(inflight, removed + 1)) {
        if (laterAckProves(inflight, removed + 1)) emitLateAck(ctx, head, -1n);
      }
      // Nobody can tell whether it was written: it is never resent, the partition continues under a new epoch.
      else requestBump(ctx, entry);
    } else {
      break;
    }
    removed++;
  }
  if (removed > 0) entry.inflight = inflight.slice(removed);
}

function laterAcked(inflight: readonly ProducerBatch[], from: number): boolean {
  for (let i = from; i < inflight.length; i++) {
    const status = inflight[i]!.status;
    if (status === 'acked' || status === 'lateAcked') return true;
  }
  return false;
}

/** Whether the first later acknowledgement proved the earlier batches written, as judged when it arrived. */
function laterAckProves(inflight: readonly ProducerBatch[], from: number): boolean {
  for (let i = from; i < inflight.length; i++)
    if (inflight[i]!.status === 'acked') return inflight[i]!.provesEarlier;
  return false;
}

function laterLive(inflight: readonly ProducerBatch[], from: number): boolean {
  for (let i = from; i < inflight.length; i++) if (inflight[i]!.status === 'live') return true;
  return false;
}

export function emitLateAck(ctx: EngineContext, batch: ProducerBatch, offset: bigint): void {
  ctx.events.emit('lateAck', {
    topic: batch.partition.topic,
    partition: batch.partition.partition,
    baseSequence: batch.baseSequence,
    recordCount: batch.recordCount,
    offset,
  });
}
