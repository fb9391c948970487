import { FatalProducerError } from '../../errors/fatal-errors.js';
import type { IdemError } from '../../errors/idem-error.js';
import type { PartitionEntry, ProducerBatch } from '../accumulator/partition-state.js';
import { rejectBatch } from '../completion/settle-records.js';
import type { EngineContext } from '../engine-context.js';

/**
 * The unknown-fate rule (docs/design.md §"The unknown-fate rule"), in one place: a batch that may be in the log is
 * never renumbered and never split. Its fate is settled only by the broker's later answers — its own retry
 * acknowledged or reported duplicate, or a later batch of the same producer id and epoch on the partition
 * acknowledged (the broker takes only the next sequence, so that proves the earlier one is in the log) or refused
 * as out of order (which proves it is not). Only when nothing can settle it is it reported with
 * `possiblyPersisted: true`, and only after that may the partition bump its epoch and renumber what certainly was
 * not written.
 */

/** Builds the error a batch is reported with once its fate is known (or known to be unknowable). */
export type Refusal = (possiblyPersisted: boolean) => IdemError;

/**
 * The broker refused `batch` with an answer that retrying cannot change. If no attempt's outcome is unknown, the
 * batch is certainly not in the log and fails now. Otherwise the refusal may come from a check the broker makes
 * before its duplicate check (MESSAGE_TOO_LARGE, INVALID_RECORD, TOPIC_AUTHORIZATION_FAILED, …), so it says
 * nothing about the earlier attempt: the batch is held, never resent, until later answers settle it.
 */
export function refuse(ctx: EngineContext, batch: ProducerBatch, refusal: Refusal): void {
  if (!batch.possiblyPersisted) {
    failNotWritten(ctx, batch, refusal(false));
    return;
  }
  if (!ctx.config.idempotent) {
    // Without sequences nothing can ever settle it.
    giveUpUnknown(ctx, batch, refusal(true));
    return;
  }
  batch.status = 'unknownFate';
  batch.refusal = refusal;
  ctx.wake();
}

/**
 * Whether an acknowledgement of a later batch proves the earlier batches of the partition's identity are in the
 * log. Only if the broker already had our state there: a broker without it takes any first sequence (Kafka 2.5+
 * from an unknown producer, KAFKA-14359), so the later batch may have been accepted across a gap. An earlier
 * in-order acknowledgement under this identity, recent enough that the broker cannot have expired us, shows the
 * state exists — unless the topic was reported unknown since (deleted, perhaps recreated empty) or the new offset is
 * not above the last one (a new log). `lastAckAt` must be read before the new acknowledgement is noted.
 */
export function ackProvesEarlier(
  ctx: EngineContext,
  entry: PartitionEntry,
  lastAckAt: number,
  baseOffset: bigint,
): boolean {
  return (
    entry.lastAckedSequence >= 0 &&
    !entry.brokerStateInDoubt &&
    ctx.clock.now() - lastAckAt < ctx.config.producerIdExpirationMs &&
    // In one log offsets only grow: an offset at or below our last acknowledged one is a new log (the topic was
    // deleted and recreated), which holds no state for us and took the batch whatever its sequence.
    (baseOffset < 0n || entry.lastAckedOffset < 0n || baseOffset > entry.lastAckedOffset)
  );
}

/**
 * A later batch was acknowledged but that does not prove `batch` written (see `ackProvesEarlier`): nothing can
 * settle it any more. Reported as possibly persisted; no gap needs closing, since the broker's sequence now
 * continues from the later batch.
 */
export function reportUnprovable(ctx: EngineContext, batch: ProducerBatch): void {
  if (batch.status === 'unknownFate') reportUnknown(ctx, batch);
  batch.status = 'conflict';
}

/** A later batch's acknowledgement proved `batch` is in the log; it completes, in order, with an unknown offset. */
export function settleWritten(batch: ProducerBatch): void {
  batch.status = 'acked';
  batch.baseOffset = -1n;
  batch.logAppendTime = -1n;
  batch.refusal = null;
}

/** A later batch's OUT_OF_ORDER proved `batch` is not in the log: it fails, certainly not written. */
export function settleNotWritten(ctx: EngineContext, batch: ProducerBatch): void {
  const refusal = batch.refusal;
  batch.refusal = null;
  failNotWritten(ctx, batch, refusal!(false));
}

/** Nothing left can settle `batch` (or its delivery timeout passed): reported as possibly persisted. */
export function reportUnknown(ctx: EngineContext, batch: ProducerBatch, error?: IdemError): void {
  const refusal = batch.refusal;
  batch.refusal = null;
  giveUpUnknown(ctx, batch, error ?? refusal!(true));
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

/** Nothing can settle a batch whose outcome is unknown (or its delivery timeout passed): fail it as possibly persisted. */
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
