/**
 * The per-partition state model (docs/design.md §"The path of a record"): a partition's bookkeeping and the batches it owns. One file
 * because each half refers to the other.
 */
import type { IdemError } from '../../errors/idem-error.js';
import { NO_TOPIC_ID } from '../metadata/metadata-cache.js';
import type { PendingRecord } from '../send/pending-record.js';

/** The (producer id, epoch) pair sequences belong to. */
export interface ProducerIdentity {
  readonly producerId: bigint;
  readonly epoch: number;
  /** Increases with every new identity (bump or new producer id), so "is this current?" is one comparison. */
  readonly generation: number;
}

export const NO_IDENTITY: ProducerIdentity = Object.freeze({ producerId: -1n, epoch: -1, generation: -1 });

/**
 * Everything the producer tracks for one topic-partition (docs/design.md §"The path of a record"): the unsent queue, the batches with
 * sequences in assignment order, and the sequence bookkeeping of the identity they belong to.
 */
export class PartitionEntry {
  readonly key: string;
  /** Batches waiting for a sequence, oldest first; the last one may still take records. */
  readonly queue: ProducerBatch[] = [];
  /**
   * Batches that have a sequence and are not complete, in assignment order (never sorted by raw sequence, so
   * the wrap at 2^31-1 cannot reorder them).
   */
  inflight: ProducerBatch[] = [];

  /** The identity this partition's sequences belong to; may lag the producer's until `inflight` drains (I3). */
  identity: ProducerIdentity = NO_IDENTITY;
  nextSequence = 0;
  lastAckedSequence = -1;
  lastAckedOffset = -1n;
  /** Clock time of the last acknowledgement, to tell when the broker may have expired our producer state. */
  lastAckAt = Number.NEGATIVE_INFINITY;
  /**
   * A batch was acknowledged since the leader (or the identity) last changed. Until then only one batch may be in
   * flight: a broker without our state accepts any first sequence, so pipelining could let batch 2 in before a
   * failed batch 1 (KAFKA-14359, franz-go #223).
   */
  okSinceLeader = false;
  /** A gap or lost state needs this partition's in-flight batches renumbered under a new identity. */
  bumpRequested = false;
  /** The identity generation at the time of the request; a newer identity already satisfies it. */
  bumpRequestedAt = -1;

  /** Leader as last known from metadata or a KIP-951 hint; -1 when unknown. */
  leader = -1;
  /**
   * The topic's id as last known from metadata (all zeros when unknown). Produce v13+ addresses the topic by it,
   * so a request meant for a deleted topic's log is refused with UNKNOWN_TOPIC_ID instead of landing in a new one.
   */
  topicId = NO_TOPIC_ID;
  /**
   * A request to the leader failed in transport (refused, reset, timed out): it may be dead. Metadata is asked
   * again every retry backoff until it names another leader or the leader answers (docs/design.md §"Failover").
   */
  leaderSuspect = false;
  leaderEpoch = -1;
  /**
   * The broker may have lost its state for us on this partition without our identity changing: the topic was
   * reported unknown (deleted, perhaps recreated), so a later acknowledgement proves nothing about earlier batches
   * (docs/design.md §"The unknown-fate rule"). Cleared by the next in-order acknowledgement.
   */
  brokerStateInDoubt = false;
  /**
   * Counts the times the state fell in doubt. A batch remembers the count it was last sent under: only an
   * acknowledgement of a request sent after the latest doubt can clear it, since an older request may have been
   * appended to the deleted log (its topic id or name then meant the old topic).
   */
  doubtGeneration = 0;

  /**
   * The topic was reported unknown or recreated: the broker's state for us may be gone, and with it the log our
   * earlier batches went to. Every unfinished batch that may already be written may sit in the deleted log, so it
   * is marked for good: no later answer may call it certainly not written (docs/design.md §"The unknown-fate
   * rule").
   */
  markStateInDoubt(): void {
    this.brokerStateInDoubt = true;
    this.doubtGeneration++;
    this.okSinceLeader = false;
    // A batch whose request is still out may be appended to the old log too, whatever its answer says later.
    for (const batch of this.inflight)
      if (batch.possiblyPersisted || batch.onWire) batch.mayBeInDeletedLog = true;
  }
  /** Outstanding requests holding a batch of this partition, and the node they went to. */
  wireCount = 0;
  wireNode = -1;
  /** Records in `queue`, for the state snapshot. */
  queuedRecords = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {
    this.key = partitionKey(topic, partition);
  }

  /** Whether there is anything queued or unfinished. */
  get busy(): boolean {
    return this.queue.length > 0 || this.inflight.length > 0;
  }
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * Where a batch stands once it has a sequence:
 * - 'live': not yet acknowledged; sent (`onWire`) or waiting to be resent.
 * - 'acked': acknowledged, but an earlier batch of the partition is not complete yet (I6: completions run in
 *   sequence order).
 * - 'unknownFate': it may be in the log, and its retry was refused by a check the broker makes before its duplicate
 *   check (MESSAGE_TOO_LARGE, INVALID_RECORD, …), so the refusal says nothing about the first attempt. Never resent,
 *   renumbered or split; the caller's promise stays pending until a later answer settles the fate
 *   (docs/design.md §"The unknown-fate rule").
 * - 'deadNotWritten': already failed to the user; the broker certainly did not append it. Leaves a gap in the
 *   sequence that an epoch bump must close once everything before it is complete.
 * - 'deadUnknown': already failed to the user with possiblyPersisted (bounded delivery); whether it was written
 *   is resolved by what happens to the batches around it.
 * - 'conflict': already failed to the user; the broker accepted later sequences, so no gap needs closing.
 * - 'lateAcked': a 'deadUnknown' batch whose write was confirmed after all.
 */
export type BatchStatus =
  | 'queued'
  | 'live'
  | 'unknownFate'
  | 'acked'
  | 'deadNotWritten'
  | 'deadUnknown'
  | 'conflict'
  | 'lateAcked';

/** Record batch of one partition, from the first record appended to its last completion. */
export class ProducerBatch {
  readonly records: PendingRecord[] = [];
  sizeBytes = 0;
  /** No more records may be appended (full, or drained). */
  closed = false;
  status: BatchStatus = 'queued';

  // Identity, assigned once at the first drain (I1) and changed only by an epoch-bump rewrite.
  producerId = -1n;
  epoch = -1;
  baseSequence = -1;
  /** The encoded RecordBatch; kept so every retry sends identical bytes. */
  bytes: Buffer | null = null;

  /** Times written to a connection. */
  attempts = 0;
  /** Retriable failures counted against `retries`. */
  retriableFailures = 0;
  /** Every retry so far, counted or not: the backoff grows with it, so no answer can make a batch spin. */
  retryCount = 0;
  /** Some attempt under the current identity had an unknown outcome: the broker may hold the batch. */
  possiblyPersisted = false;
  /** Renumbered by an epoch bump. */
  rewritten = false;
  /**
   * It may have been written to a log the topic's deletion took away (PartitionEntry.markStateInDoubt): whatever
   * this log says later, it is never "certainly not written".
   */
  mayBeInDeletedLog = false;
  /** A request holding this batch is outstanding. */
  onWire = false;
  /** The partition's `doubtGeneration` when this batch was last sent. */
  sentInDoubtGeneration = 0;
  /** Not to be resent before this clock time. */
  retryAt = 0;
  /** Time of the first send, for the `retry` event and metrics. */
  firstSentAt = -1;

  /**
   * Set when acknowledged: whether this acknowledgement proves the partition's earlier batches of the same identity
   * are in the log (`ackProvesEarlier`, judged at the moment it arrived).
   */
  provesEarlier = false;
  /** Filled when acknowledged. */
  baseOffset = -1n;
  logAppendTime = -1n;
  /** For an 'unknownFate' batch: the error it is reported with once its fate is settled. */
  refusal: ((possiblyPersisted: boolean) => IdemError) | null = null;
  /** The error the records were failed with, for dead batches. */
  failure: IdemError | null = null;

  constructor(
    readonly partition: PartitionEntry,
    readonly createdAt: number,
  ) {}

  get recordCount(): number {
    return this.records.length;
  }
}
