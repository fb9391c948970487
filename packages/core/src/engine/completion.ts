import { lastSequence } from '@idem/codec';
import type { IdemError } from '../errors/idem-error.js';
import { type EngineContext, requestBump } from './engine-context.js';
import type { PartitionEntry, ProducerBatch } from './partition-state.js';

/** Fails every record of `batch` with `error` (each send call decides when its own promise settles). */
export function rejectBatch(ctx: EngineContext, batch: ProducerBatch, error: IdemError): void {
  batch.failure = error;
  let bytes = 0;
  for (const record of batch.records) {
    bytes += record.sizeBytes;
    record.call.fail(record.index, error);
  }
  ctx.releaseBytes(bytes);
}

function resolveBatch(ctx: EngineContext, batch: ProducerBatch): void {
  const { topic, partition } = batch.partition;
  const logAppend = batch.logAppendTime >= 0n;
  let bytes = 0;
  const now = ctx.clock.now();
  // One bigint per record for its offset; timestamps shared by neighbouring records share one bigint.
  let offset = batch.baseOffset;
  let lastTs: number | bigint = Number.NaN;
  let lastTsBig = 0n;
  for (let i = 0; i < batch.records.length; i++) {
    const record = batch.records[i]!;
    bytes += record.sizeBytes;
    if (record.timestamp !== lastTs) {
      lastTs = record.timestamp;
      lastTsBig = BigInt(lastTs);
    }
    record.call.succeed(record.index, {
      topic,
      partition,
      offset: offset < 0n ? -1n : offset,
      timestamp: logAppend ? batch.logAppendTime : lastTsBig,
    });
    if (offset >= 0n) offset += 1n;
  }
  ctx.releaseBytes(bytes);
  if (ctx.events.has('ack')) {
    ctx.events.emit('ack', {
      topic,
      partition,
      records: batch.records.length,
      baseOffset: batch.baseOffset,
      latencyMs: now - (batch.records[0]?.sentAt ?? now),
    });
  }
}

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
 * the gap is resolved, so nothing that may have been written is ever renumbered (KAFKA-14034, o2).
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
    } else if (head.status === 'deadNotWritten') {
      if (head.onWire) break;
      if (!laterAcked(inflight, removed + 1)) requestBump(ctx, entry);
    } else if (head.status === 'deadUnknown') {
      if (head.onWire) break;
      // A later batch decides: its ack proves this one was written, its OUT_OF_ORDER proves it was not.
      if (laterLive(inflight, removed + 1)) break;
      if (laterAcked(inflight, removed + 1)) emitLateAck(ctx, head, -1n);
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
