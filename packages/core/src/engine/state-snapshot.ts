import type {
  InFlightBatchState,
  PartitionState,
  ProducerState,
  ProducerStatus,
} from '../producer/contract.js';
import type { PartitionEntry, ProducerBatch } from './accumulator/partition-state.js';
import type { ProducerIdManager } from './identity/producer-id-manager.js';

function batchState(batch: ProducerBatch): InFlightBatchState {
  return Object.freeze({
    baseSequence: batch.baseSequence,
    recordCount: batch.recordCount,
    producerId: batch.producerId,
    epoch: batch.epoch,
    attempts: batch.attempts,
    possiblyPersisted: batch.possiblyPersisted,
    status:
      batch.status === 'live'
        ? batch.onWire
          ? 'sending'
          : 'retrying'
        : batch.status === 'unknownFate'
          ? 'unknown'
          : batch.status === 'acked' || batch.status === 'lateAcked'
            ? 'acked'
            : 'failed',
  });
}

function partitionState(entry: PartitionEntry): PartitionState {
  return Object.freeze({
    topic: entry.topic,
    partition: entry.partition,
    producerId: entry.identity.producerId,
    epoch: entry.identity.epoch,
    nextSequence: entry.nextSequence,
    lastAckedSequence: entry.lastAckedSequence,
    lastAckedOffset: entry.lastAckedOffset,
    inFlight: Object.freeze(entry.inflight.map(batchState)),
    queuedRecords: entry.queuedRecords,
    unresolved: entry.inflight.some((b) => b.status === 'deadUnknown' || b.status === 'unknownFate'),
  });
}

/** A frozen copy of the producer's bookkeeping for `producer.state` (docs/design.md §"The path of a record"). */
export function snapshotState(
  status: ProducerStatus,
  ids: ProducerIdManager,
  idempotent: boolean,
  partitions: Iterable<PartitionEntry>,
  bufferedBytes: number,
): ProducerState {
  const list: PartitionState[] = [];
  for (const entry of partitions) list.push(partitionState(entry));
  list.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  return Object.freeze({
    status,
    producerId: idempotent ? ids.identity.producerId : -1n,
    epoch: idempotent ? ids.identity.epoch : -1,
    epochBumps: ids.bumps,
    partitions: Object.freeze(list),
    bufferedBytes,
  });
}
