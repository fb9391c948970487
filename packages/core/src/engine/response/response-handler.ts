import type { ProduceResponsePartitionProduceResponse } from '@idem/codec';
import { KafkaErrorCode, kafkaErrorByCode } from '@idem/codec';
import { FatalProducerError } from '../../errors/fatal-errors.js';
import { BrokerRejectedError, ConnectionFailedError } from '../../errors/send-errors.js';
import type { FatalConnectionCause } from '../../ports/transport.js';
import type { PartitionEntry, ProducerBatch } from '../accumulator/partition-state.js';
import { advance, emitLateAck } from '../completion/completion.js';
import type { EngineContext } from '../engine-context.js';
import { ackProvesEarlier, refuse, reportUnprovable, settleWritten } from '../outcome/batch-fate.js';
import { retryLater } from '../outcome/batch-outcomes.js';
import { split } from './batch-split.js';
import { onOutOfOrder, onUnknownProducerId } from './sequence-errors.js';

/** Errors that say "ask metadata who leads now" without burning a retry (librdkafka's REFRESH, incr_retry = 0). */
function isLeadershipError(code: number): boolean {
  return kafkaErrorByCode(code).invalidMetadata;
}

/** Errors after which the broker may have appended the batch even though it reported failure. */
function mayHaveAppended(code: number): boolean {
  return (
    code === KafkaErrorCode.REQUEST_TIMED_OUT || code === KafkaErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND
  );
}

/**
 * The per-partition decision table of docs/design.md §"The decision table", for one batch and the broker's answer to it. Every branch
 * ends with the partition's completions advanced in sequence order.
 */
export function handlePartitionResponse(
  ctx: EngineContext,
  batch: ProducerBatch,
  response: ProduceResponsePartitionProduceResponse,
): void {
  const entry = batch.partition;
  const code = response.errorCode;

  if (batch.status === 'deadUnknown') {
    // Given up (bounded delivery) while this attempt was out: the answer still settles the sequence question.
    if (code === KafkaErrorCode.NONE || code === KafkaErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
      batch.status = 'lateAcked';
      batch.baseOffset = code === KafkaErrorCode.NONE ? response.baseOffset : -1n;
      emitLateAck(ctx, batch, batch.baseOffset);
      noteOk(ctx, entry);
    }
    advance(ctx, entry);
    return;
  }
  if (batch.status !== 'live') return;

  switch (code) {
    case KafkaErrorCode.NONE:
      acknowledge(ctx, batch, response.baseOffset, response.logAppendTimeMs);
      break;
    case KafkaErrorCode.DUPLICATE_SEQUENCE_NUMBER:
      // Brokers 1.0-1.1: a retry older than the retained batches; it was written, the offset is not known (docs/design.md §"The decision table").
      acknowledge(ctx, batch, -1n, -1n);
      break;
    case KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER:
      onOutOfOrder(ctx, batch, response.logStartOffset);
      break;
    case KafkaErrorCode.UNKNOWN_PRODUCER_ID:
      onUnknownProducerId(ctx, batch, response.logStartOffset);
      break;
    case KafkaErrorCode.PRODUCER_FENCED:
      ctx.fatal(
        new FatalProducerError('fenced', 'PRODUCER_FENCED: another producer with this id took over', {
          kafkaCode: code,
        }),
      );
      break;
    case KafkaErrorCode.INVALID_PRODUCER_EPOCH: {
      // Impossible while one epoch at a time holds per partition (I3): report the breach, refuse the batch
      // (held if an earlier attempt may be in the log), close the gap with a bump.
      ctx.events.emit('error', {
        error: new FatalProducerError(
          'invariant',
          `${entry.topic}-${entry.partition}: INVALID_PRODUCER_EPOCH for epoch ${batch.epoch}`,
          {
            kafkaCode: code,
          },
        ),
        fatal: false,
      });
      refuse(
        ctx,
        batch,
        (pp) => new BrokerRejectedError(code, 'INVALID_PRODUCER_EPOCH', pp, response.errorMessage),
      );
      break;
    }
    default:
      onOtherError(ctx, batch, response);
  }
  advance(ctx, entry);
}

/** The request's outcome is unknown (lost response, timeout, dropped connection), or it provably never left. */
export function handleUnknownOutcome(
  ctx: EngineContext,
  batch: ProducerBatch,
  notSent: boolean,
  reason: string,
): void {
  if (batch.status === 'live') {
    if (!notSent) batch.possiblyPersisted = true;
    retryLater(ctx, batch, !notSent, reason);
  }
  advance(ctx, batch.partition);
}

/** The connection failed in a way no retry fixes (authentication, authorization, TLS): refuse the batch now. */
export function refuseConnection(
  ctx: EngineContext,
  batch: ProducerBatch,
  cause: FatalConnectionCause,
  detail: string,
): void {
  if (batch.status === 'live') refuse(ctx, batch, (pp) => new ConnectionFailedError(cause, detail, pp));
  advance(ctx, batch.partition);
}

function acknowledge(
  ctx: EngineContext,
  batch: ProducerBatch,
  baseOffset: bigint,
  logAppendTime: bigint,
): void {
  const entry = batch.partition;
  batch.status = 'acked';
  batch.baseOffset = baseOffset;
  batch.logAppendTime = logAppendTime;
  const proves = ackProvesEarlier(ctx, entry, entry.lastAckAt, baseOffset);
  batch.provesEarlier = proves;
  noteOk(ctx, entry);
  // The broker just appended under our identity: it holds our state here again — unless the request left before
  // the state fell in doubt, when it may have been appended to the deleted log and says nothing of the new one.
  if (batch.sentInDoubtGeneration === entry.doubtGeneration) entry.brokerStateInDoubt = false;
  // With our state at the broker, an ack proves every earlier batch of this identity was written: the broker takes
  // only the next sequence (docs/design.md §"The unknown-fate rule").
  for (const earlier of entry.inflight) {
    if (earlier === batch) break;
    const unknown = earlier.status === 'unknownFate' || (earlier.status === 'deadUnknown' && !earlier.onWire);
    if (!unknown) continue;
    if (!proves) reportUnprovable(ctx, earlier);
    else if (earlier.status === 'unknownFate') settleWritten(earlier);
    else {
      earlier.status = 'lateAcked';
      emitLateAck(ctx, earlier, -1n);
    }
  }
}

function noteOk(ctx: EngineContext, entry: PartitionEntry): void {
  entry.okSinceLeader = true;
  entry.lastAckAt = ctx.clock.now();
}

function onOtherError(
  ctx: EngineContext,
  batch: ProducerBatch,
  response: ProduceResponsePartitionProduceResponse,
): void {
  const entry = batch.partition;
  const code = response.errorCode;
  const info = kafkaErrorByCode(code);

  // Splitting gives the records new (sequence, count) identities: only for a batch certainly not in the log.
  if (code === KafkaErrorCode.MESSAGE_TOO_LARGE && batch.recordCount > 1 && !batch.possiblyPersisted) {
    split(ctx, batch);
    return;
  }
  if (code === KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION || code === KafkaErrorCode.UNKNOWN_TOPIC_ID) {
    // The topic may have been deleted, and may come back empty: the broker's state for us there may be gone, so
    // until an in-order acknowledgement shows it again nothing proves earlier batches and only one batch goes out.
    entry.markStateInDoubt();
  }
  if (isLeadershipError(code)) {
    const hint = response.currentLeader;
    // KIP-951: the broker names the new leader; use it at once if it is newer than what we know.
    if (hint.leaderId >= 0 && hint.leaderEpoch > entry.leaderEpoch) {
      if (hint.leaderId !== entry.leader) entry.okSinceLeader = false;
      entry.leader = hint.leaderId;
      entry.leaderEpoch = hint.leaderEpoch;
    }
    ctx.refreshMetadata(entry.topic);
    retryLater(ctx, batch, false, info.name);
    return;
  }
  if (mayHaveAppended(code)) {
    batch.possiblyPersisted = true;
    retryLater(ctx, batch, true, info.name);
    return;
  }
  if (info.retriable) {
    retryLater(ctx, batch, true, info.name);
    return;
  }
  refuse(ctx, batch, (pp) => new BrokerRejectedError(code, info.name, pp, response.errorMessage));
}
