import { incrementSequence } from '@idem/codec';
import { FatalProducerError } from '../../errors/fatal-errors.js';
import type { PartitionEntry } from '../accumulator/partition-state.js';
import type { EngineContext } from '../engine-context.js';

/**
 * The partition-scoped epoch bump (docs/design.md §"Epoch bumps", KIP-360). Runs when some partitions asked for one and none of
 * them has a request outstanding. The epoch goes up by one locally; at 32767 the producer asks for a new id
 * instead (librdkafka#3720). Only the partitions that asked renumber their unfinished batches from 0; every other partition
 * keeps its stamped batches under the old epoch and adopts the new one when its in-flight set is empty (KAFKA-12152, librdkafka#4953).
 *
 * Returns false while it must wait (requests outstanding, or a new producer id pending).
 */
export function maybeBump(ctx: EngineContext, requested: readonly PartitionEntry[]): boolean {
  if (requested.length === 0) return true;
  if (requested.some((entry) => entry.wireCount > 0)) return false;
  if (ctx.ids.status !== 'ready') return false;

  // A newer identity than the one current at the request already satisfies it (e.g. a new producer id).
  const needsNew = requested.some((entry) => entry.bumpRequestedAt >= ctx.ids.identity.generation);
  if (needsNew) {
    const previousEpoch = ctx.ids.identity.epoch;
    if (!ctx.ids.bumpLocally()) {
      // Epoch exhausted: a new producer id, then the rewrite.
      ctx.ids.reset();
      ctx.ids.initialize();
      return false;
    }
    ctx.events.emit('epochBump', {
      producerId: ctx.ids.identity.producerId,
      epoch: ctx.ids.identity.epoch,
      previousEpoch,
      partitions: requested.map((entry) => ({ topic: entry.topic, partition: entry.partition })),
    });
  }
  for (const entry of requested) rewrite(ctx, entry);
  return true;
}

/**
 * Renumbers a partition's unfinished batches from 0 under the current identity. Called only with proof that none
 * of them was appended under its old identity (I1): the head got OUT_OF_ORDER / UNKNOWN_PRODUCER_ID as a direct
 * answer, or a failed batch left a gap everything behind it could not cross.
 */
function rewrite(ctx: EngineContext, entry: PartitionEntry): void {
  if (entry.inflight.some((batch) => batch.status === 'acked' || batch.status === 'lateAcked')) {
    // The broker accepted something after the gap: renumbering now could duplicate. Never expected.
    ctx.fatal(
      new FatalProducerError(
        'invariant',
        `${entry.topic}-${entry.partition}: epoch bump with acknowledged batches in flight`,
      ),
    );
    return;
  }
  const identity = ctx.ids.identity;
  const now = ctx.clock.now();
  const live = entry.inflight.filter((batch) => batch.status === 'live');
  let sequence = 0;
  for (const batch of live) {
    batch.producerId = identity.producerId;
    batch.epoch = identity.epoch;
    batch.baseSequence = sequence;
    batch.bytes = ctx.codec.restamp(batch.bytes!, identity.producerId, identity.epoch, sequence);
    batch.rewritten = true;
    // Not appended under its old identity in this log — but one that may sit in a deleted log stays "possibly
    // persisted", so no later outcome calls it certainly not written (docs/design.md §"The unknown-fate rule").
    if (batch.possiblyPersisted && entry.brokerStateInDoubt) batch.mayBeInDeletedLog = true;
    batch.possiblyPersisted = batch.mayBeInDeletedLog;
    batch.retryAt = now;
    sequence = incrementSequence(sequence, batch.recordCount);
  }
  entry.inflight = live;
  entry.identity = identity;
  entry.nextSequence = sequence;
  entry.lastAckedSequence = -1;
  // Under a new epoch the broker takes only sequence 0 first: one batch until it is acknowledged.
  entry.okSinceLeader = false;
  entry.bumpRequested = false;
}
