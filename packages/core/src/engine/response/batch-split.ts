import { incrementSequence } from '@idem/codec';
import { ProducerBatch } from '../accumulator/partition-state.js';
import type { EngineContext } from '../engine-context.js';

/**
 * MESSAGE_TOO_LARGE for a batch of several records: the broker appended nothing, so the batch may be cut in
 * two. Both halves keep the original sequence range (contiguous), the same identity and position.
 */
export function split(ctx: EngineContext, batch: ProducerBatch): void {
  const entry = batch.partition;
  const index = entry.inflight.indexOf(batch);
  const half = Math.ceil(batch.recordCount / 2);
  const parts = [batch.records.slice(0, half), batch.records.slice(half)].map((records, i) => {
    const part = new ProducerBatch(entry, batch.createdAt);
    part.records.push(...records);
    part.sizeBytes = records.reduce((n, r) => n + r.sizeBytes, 0);
    part.closed = true;
    part.status = 'live';
    part.producerId = batch.producerId;
    part.epoch = batch.epoch;
    part.baseSequence = i === 0 ? batch.baseSequence : incrementSequence(batch.baseSequence, half);
    part.possiblyPersisted = batch.possiblyPersisted;
    part.rewritten = batch.rewritten;
    part.attempts = batch.attempts;
    part.firstSentAt = batch.firstSentAt;
    part.bytes = ctx.codec.encode(part);
    return part;
  });
  entry.inflight.splice(index, 1, ...parts);
  ctx.wake();
}
