import { FatalProducerError } from '../errors/fatal-errors.js';
import type { IdemError } from '../errors/idem-error.js';
import { RetriesExhaustedError } from '../errors/send-errors.js';
import { backoffMs } from './backoff.js';
import { rejectBatch } from './completion.js';
import type { EngineContext } from './engine-context.js';
import type { PartitionEntry, ProducerBatch } from './partition-state.js';

/** What can happen to a batch after an answer: resend later, fail for good, give up, or a fatal stop. */

/** Resend later with the same identity. `counted` retries count against `retries`. */
export function retryLater(ctx: EngineContext, batch: ProducerBatch, counted: boolean, reason: string): void {
  if (counted) batch.retriableFailures++;
  const now = ctx.clock.now();
  if (counted && batch.retriableFailures > ctx.config.retries) {
    // Out of retries. A batch that may be in the log is not failed unless bounded delivery was chosen (I7).
    if (!batch.possiblyPersisted) {
      failNotWritten(ctx, batch, new RetriesExhaustedError(ctx.config.retries, reason, false));
      return;
    }
    if (ctx.config.boundedDelivery) {
      giveUpUnknown(ctx, batch, new RetriesExhaustedError(ctx.config.retries, reason, true));
      return;
    }
  }
  batch.retryAt =
    now +
    backoffMs(
      batch.retriableFailures + 1,
      ctx.config.retryBackoffMs,
      ctx.config.retryBackoffMaxMs,
      ctx.random,
    );
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

/** The broker certainly did not append the batch: fail it now; the gap is closed when it reaches the head. */
export function failNotWritten(ctx: EngineContext, batch: ProducerBatch, error: IdemError): void {
  if (ctx.config.strict && ctx.config.idempotent) {
    strictFatal(ctx, batch, `${error.message}; a gap would follow`);
    return;
  }
  batch.status = ctx.config.idempotent ? 'deadNotWritten' : 'conflict';
  rejectBatch(ctx, batch, error);
  ctx.wake();
}

/** Bounded delivery gave up on a batch whose outcome is unknown: fail it as possibly persisted (c.7). */
export function giveUpUnknown(ctx: EngineContext, batch: ProducerBatch, error: IdemError): void {
  batch.status = ctx.config.idempotent ? 'deadUnknown' : 'conflict';
  rejectBatch(ctx, batch, error);
  ctx.wake();
}

/** Strict mode: a possible gap is fatal; the fatal sweep fails this batch with the rest. */
export function strictFatal(ctx: EngineContext, batch: ProducerBatch, why: string): void {
  const { topic, partition } = batch.partition;
  ctx.fatal(new FatalProducerError('gapless', `strict mode: ${topic}-${partition}: ${why}`));
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
