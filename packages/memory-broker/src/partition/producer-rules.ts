/**
 * The decision table for one idempotent batch (docs/broker-rules.md §"The producer-state decision"), in Kafka's order:
 * duplicate check first, then the epoch, then the sequence. Mirrors ProducerAppendInfo.checkSequence
 * and ProducerStateEntry.findDuplicateBatch of Kafka 4.3.0.
 */
import { isNextInSequence, KafkaErrorCode } from '@idem/codec';
import type { BatchMetadata, ProducerStateEntry } from './producer-state-entry.js';
import type { BrokerProfile } from './profile.js';

export interface IdempotentBatch {
  readonly producerId: bigint;
  readonly epoch: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
}

export type ProducerDecision =
  | { readonly kind: 'append' }
  | { readonly kind: 'duplicate'; readonly batch: BatchMetadata }
  | { readonly kind: 'reject'; readonly errorCode: number; readonly message: string };

const APPEND: ProducerDecision = Object.freeze({ kind: 'append' });

export interface RuleContext {
  readonly profile: BrokerProfile;
  /** Whether the partition's log ever held a record (the '4.5+' rule looks at this). */
  readonly logEverWritten: boolean;
  /** For messages only, e.g. 'topic-0'. */
  readonly partitionName: string;
}

export function decideProducerBatch(
  entry: ProducerStateEntry | undefined,
  batch: IdempotentBatch,
  ctx: RuleContext,
): ProducerDecision {
  const { producerId, epoch, firstSeq, lastSeq } = batch;
  if (entry !== undefined) {
    const duplicate = entry.findDuplicate(epoch, firstSeq, lastSeq);
    if (duplicate !== undefined) return { kind: 'duplicate', batch: duplicate };
    if (epoch < entry.epoch) {
      return reject(
        KafkaErrorCode.INVALID_PRODUCER_EPOCH,
        `Epoch of producer ${producerId} at partition ${ctx.partitionName} is ${epoch}, which is smaller than the last seen epoch ${entry.epoch}`,
      );
    }
  }

  if (entry === undefined) return decideWithoutState(batch, ctx);

  if (epoch !== entry.epoch) {
    // A higher epoch: the client bumped it locally and must restart this partition at 0.
    if (firstSeq === 0) return APPEND;
    return reject(
      KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      `Invalid sequence number for new epoch of producer ${producerId} in partition ${ctx.partitionName}: ${epoch} (request epoch), ${firstSeq} (seq. number), ${entry.epoch} (current producer epoch)`,
    );
  }

  const currentLastSeq = entry.lastSeq;
  if (isNextInSequence(currentLastSeq, firstSeq)) return APPEND;

  const oldest = entry.batches[0];
  if (ctx.profile === '1.0-1.1' && oldest !== undefined && lastSeq < oldest.firstSeq) {
    return reject(
      KafkaErrorCode.DUPLICATE_SEQUENCE_NUMBER,
      `Batch of producer ${producerId} in partition ${ctx.partitionName} (sequences ${firstSeq}..${lastSeq}) is older than the retained batches (from ${oldest.firstSeq})`,
    );
  }
  return reject(
    KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    `Out of order sequence number for producer ${producerId} in partition ${ctx.partitionName}: ${firstSeq} (incoming seq. number), ${currentLastSeq} (current end sequence number)`,
  );
}

/** Case N of the table: the partition has no state for this producer id. */
function decideWithoutState(batch: IdempotentBatch, ctx: RuleContext): ProducerDecision {
  if (batch.firstSeq === 0) return APPEND;
  switch (ctx.profile) {
    case '2.5-4.4':
      return APPEND;
    case '4.5+':
      if (ctx.logEverWritten) return APPEND;
      return reject(
        KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        `Producer ${batch.producerId} has no state on never-written partition ${ctx.partitionName}; its first sequence must be 0, not ${batch.firstSeq}`,
      );
    case '1.0-1.1':
    case '2.0-2.4':
      return reject(
        KafkaErrorCode.UNKNOWN_PRODUCER_ID,
        `Found no record of producerId=${batch.producerId} on the broker for partition ${ctx.partitionName}`,
      );
  }
}

function reject(errorCode: number, message: string): ProducerDecision {
  return { kind: 'reject', errorCode, message };
}
