import type { ProducerConfig } from '../config/resolve.js';
import type { FatalProducerError } from '../errors/fatal-errors.js';
import type { Clock, Random } from '../ports/transport.js';
import type { PartitionEntry } from './accumulator/partition-state.js';
import type { BatchCodec } from './dispatch/batch-codec.js';
import type { EventHub } from './event-hub.js';
import type { ProducerIdManager } from './identity/producer-id-manager.js';

/** What the engine's parts share. One object, so each part stays a plain module of functions. */
export interface EngineContext {
  readonly config: ProducerConfig;
  readonly clock: Clock;
  readonly random: Random;
  readonly events: EventHub;
  readonly codec: BatchCodec;
  readonly ids: ProducerIdManager;
  /** Enter the fatal state (sticky); fails what can be failed now. */
  readonly fatal: (error: FatalProducerError) => void;
  /** Return the bytes of completed records to the buffer pool. */
  readonly releaseBytes: (bytes: number) => void;
  /** Ask for fresh metadata for a topic. */
  readonly refreshMetadata: (topic: string) => void;
  /** Run the sender loop again soon. */
  readonly wake: () => void;
  /** Test seam, see ProducerEngineOptions.firstSequence. */
  readonly firstSequence: ((topic: string, partition: number) => number) | null;
}

/** Mark `entry` as needing its in-flight batches renumbered under a new identity (docs/design.md §"Epoch bumps"). */
export function requestBump(ctx: EngineContext, entry: PartitionEntry): void {
  // Without idempotence there are no sequences to renumber.
  if (entry.bumpRequested || !ctx.config.idempotent) return;
  entry.bumpRequested = true;
  entry.bumpRequestedAt = ctx.ids.identity.generation;
  ctx.wake();
}
