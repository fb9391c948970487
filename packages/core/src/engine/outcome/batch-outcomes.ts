import { RetriesExhaustedError } from '../../errors/send-errors.js';
import type { PartitionEntry, ProducerBatch } from '../accumulator/partition-state.js';
import type { EngineContext } from '../engine-context.js';
import { backoffMs } from './backoff.js';
import { refuse } from './batch-fate.js';

/** What can happen to a batch after an answer: resend later, fail for good, give up, or a fatal stop. */

/** Resend later with the same identity. `counted` retries count against `retries`. */
export function retryLater(ctx: EngineContext, batch: ProducerBatch, counted: boolean, reason: string): void {
  if (counted) batch.retriableFailures++;
  batch.retryCount++;
  const now = ctx.clock.now();
  if (counted && batch.retriableFailures > ctx.config.retries) {
    // Out of retries: failed if certainly not written, otherwise held until later answers settle it.
    refuse(ctx, batch, (pp) => new RetriesExhaustedError(ctx.config.retries, reason, pp));
    return;
  }
  // Every retry grows the backoff, counted or not: leadership errors too (they only do not use up `retries`).
  batch.retryAt =
    now +
    backoffMs(batch.retryCount + 1, ctx.config.retryBackoffMs, ctx.config.retryBackoffMaxMs, ctx.random);
  if (ctx.events.has('retry')) {
    ctx.events.emit('retry', {
      topic: batch.partition.topic,
      partition: batch.partition.partition,
      baseSequence: batch.baseSequence,
      attempt: batch.attempts,
      reason,
      possiblyPersisted: batch.possiblyPersisted,
    });
  }
  ctx.wake();
}

export function dataLoss(
  ctx: EngineContext,
  entry: PartitionEntry,
  reason: 'sequenceGap' | 'unknownProducerId' | 'orderingViolation',
  kafkaCode: number,
  detail: string,
): void {
  ctx.events.emit('dataLoss', { topic: entry.topic, partition: entry.partition, reason, kafkaCode, detail });
}
