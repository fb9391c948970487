import type { IdemError } from '../../errors/idem-error.js';
import type { ProducerBatch } from '../accumulator/partition-state.js';
import type { EngineContext } from '../engine-context.js';

/** Settles the caller's records of one batch: each send call decides when its own promise settles. */

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

/** Resolves every record of an acknowledged `batch` with its offset (in sequence order only). */
export function resolveBatch(ctx: EngineContext, batch: ProducerBatch): void {
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
