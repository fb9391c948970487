import { incrementSequence, KafkaErrorCode, kafkaErrorByCode } from '@idem/codec';
import { SequenceConflictError } from '../../errors/send-errors.js';
import type { ProducerBatch } from '../accumulator/partition-state.js';
import { rejectBatch } from '../completion/settle-records.js';
import { firstLive } from '../drain/drain.js';
import { type EngineContext, requestBump } from '../engine-context.js';
import { reportUnknown, settleNotWritten, strictFatal } from '../outcome/batch-fate.js';
import { dataLoss, retryLater } from '../outcome/batch-outcomes.js';

/**
 * OUT_OF_ORDER_SEQUENCE_NUMBER (45) and UNKNOWN_PRODUCER_ID (59): the rows of docs/design.md §"The decision table" that decide between
 * "an earlier batch will fill the gap", "the broker lost data or state" and "this batch can never go in order".
 */

export function onOutOfOrder(ctx: EngineContext, batch: ProducerBatch, logStartOffset: bigint): void {
  const entry = batch.partition;
  const index = entry.inflight.indexOf(batch);
  const inflight = entry.inflight;

  if (acceptedLater(batch)) {
    conflict(ctx, batch, KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    return;
  }
  // The earliest live batch, right after a batch held or given up (unknown fate, delivery timeout, failed for
  // good): OUT_OF_ORDER says the broker's last sequence is not the one just before this batch, so that batch is not
  // in the log. It says nothing about batches before it, and nothing can settle them any more (every later batch
  // would get the same answer): they are reported as possibly persisted. The bump closes the gap
  // (docs/design.md §"The unknown-fate rule").
  const previous = inflight[index - 1];
  if (
    previous !== undefined &&
    !previous.onWire &&
    (previous.status === 'deadUnknown' ||
      previous.status === 'deadNotWritten' ||
      previous.status === 'unknownFate') &&
    firstLive(inflight) === batch &&
    !entry.bumpRequested
  ) {
    for (const earlier of inflight.slice(0, index - 1)) {
      if (earlier.status === 'unknownFate') reportUnknown(ctx, earlier);
    }
    // Not in this log — but if the topic was reported unknown since, it may be in the deleted one, which readers
    // may have consumed: then it stays possibly persisted.
    if (previous.status === 'unknownFate') {
      if (entry.brokerStateInDoubt || previous.mayBeInDeletedLog) reportUnknown(ctx, previous);
      else settleNotWritten(ctx, previous);
    }
    if (previous.status === 'deadUnknown') previous.status = 'deadNotWritten';
    retryLater(ctx, batch, false, 'OUT_OF_ORDER_SEQUENCE_NUMBER after a failed batch');
    requestBump(ctx, entry);
    return;
  }

  // An earlier batch failed too; it goes first and fills the gap, or a bump already on its way renumbers this
  // one (librdkafka#4953: no bump for a 45 that is not at the head).
  if (!isHeadOfLine(batch)) {
    retryLater(ctx, batch, false, 'OUT_OF_ORDER_SEQUENCE_NUMBER behind an earlier retry');
    return;
  }
  // Freshly renumbered: the broker's view will converge once the head lands.
  if (batch.rewritten) {
    retryLater(ctx, batch, true, 'OUT_OF_ORDER_SEQUENCE_NUMBER after renumbering');
    return;
  }

  // The head batch is out of sequence: the broker lost data or state we had (truncation), or retention
  // removed it all (franz-go#805: not a loss).
  renumberHead(ctx, batch, logStartOffset, {
    reason: 'sequenceGap',
    kafkaCode: KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    detail: `the broker does not have sequence ${batch.baseSequence} as the next one after ${batch.partition.lastAckedSequence}`,
    strictDetail: 'the broker lost part of the partition’s sequence',
  });
}

/**
 * Whether `batch` is the one the broker should take next: the earliest unfinished batch, directly after the
 * last in-order acknowledgement (docs/design.md §"The decision table" `isNext`), with no bump pending. Only then is an error for it
 * about the broker's state rather than about an earlier failure.
 */
function isHeadOfLine(batch: ProducerBatch): boolean {
  const entry = batch.partition;
  return (
    !entry.bumpRequested &&
    firstLive(entry.inflight) === batch &&
    batch.baseSequence === incrementSequence(entry.lastAckedSequence, 1)
  );
}

/** Whether the broker already acknowledged a batch that comes after `batch`. */
function acceptedLater(batch: ProducerBatch): boolean {
  const inflight = batch.partition.inflight;
  for (let i = inflight.indexOf(batch) + 1; i < inflight.length; i++) {
    const status = inflight[i]!.status;
    if (status === 'acked' || status === 'lateAcked') return true;
  }
  return false;
}

/**
 * The broker accepted later sequences (it had no state for us, KAFKA-14359) and now rejects this batch: it can never be
 * written in order under this epoch. Failing it beats resending it after the later data or spinning until the
 * delivery timeout (KAFKA-14359).
 */
function conflict(ctx: EngineContext, batch: ProducerBatch, kafkaCode: number): void {
  const entry = batch.partition;
  dataLoss(
    ctx,
    entry,
    'orderingViolation',
    kafkaCode,
    `batch at sequence ${batch.baseSequence} was rejected after later sequences were accepted`,
  );
  if (ctx.config.strict) {
    strictFatal(ctx, batch, 'a batch can no longer be written in order');
    return;
  }
  batch.status = 'conflict';
  rejectBatch(ctx, batch, new SequenceConflictError(entry.topic, entry.partition, batch.possiblyPersisted));
}

export function onUnknownProducerId(ctx: EngineContext, batch: ProducerBatch, logStartOffset: bigint): void {
  if (acceptedLater(batch)) {
    conflict(ctx, batch, KafkaErrorCode.UNKNOWN_PRODUCER_ID);
    return;
  }
  if (logStartOffset === -1n || batch.rewritten) {
    retryLater(ctx, batch, true, 'UNKNOWN_PRODUCER_ID');
    return;
  }
  if (!isHeadOfLine(batch)) {
    retryLater(ctx, batch, false, 'UNKNOWN_PRODUCER_ID behind an earlier retry');
    return;
  }
  // Everything we wrote may be below the log start: retention removed it together with our state; nothing lost.
  renumberHead(ctx, batch, logStartOffset, {
    reason: 'unknownProducerId',
    kafkaCode: KafkaErrorCode.UNKNOWN_PRODUCER_ID,
    detail: `the broker forgot this producer while acknowledged data (up to offset ${batch.partition.lastAckedOffset}) is above its log start ${logStartOffset}`,
    strictDetail: 'the broker lost this producer’s state',
  });
}

interface HeadLoss {
  readonly reason: 'sequenceGap' | 'unknownProducerId';
  readonly kafkaCode: number;
  readonly detail: string;
  readonly strictDetail: string;
}

/**
 * The head batch was refused because the broker's state no longer follows ours. It goes back to be renumbered
 * under a new epoch; unless everything we had acknowledged is below the log start (retention, franz-go#805), the broker
 * lost data we had, which is reported (`dataLoss`) or, in strict mode, fatal.
 */
function renumberHead(
  ctx: EngineContext,
  batch: ProducerBatch,
  logStartOffset: bigint,
  loss: HeadLoss,
): void {
  const entry = batch.partition;
  retryLater(
    ctx,
    batch,
    false,
    `${kafkaErrorByCode(loss.kafkaCode).name} at the head: renumbering under a new epoch`,
  );
  if (entry.lastAckedOffset < logStartOffset) {
    requestBump(ctx, entry);
    return;
  }
  dataLoss(ctx, entry, loss.reason, loss.kafkaCode, loss.detail);
  if (ctx.config.strict) {
    strictFatal(ctx, batch, loss.strictDetail);
    return;
  }
  requestBump(ctx, entry);
}
