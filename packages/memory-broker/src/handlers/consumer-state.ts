/**
 * Cluster-wide state of the consumer side, kept beside the cluster model rather than in it so the
 * producer-side model stays as it is: the group coordinator, and the Fetch requests long-polling for
 * data (woken when a Produce appends to a partition they wait on).
 */
import type { AppendedBatch } from '../cluster/events.js';
import type { ClusterModel } from '../cluster/model.js';
import { randomUuid } from '../cluster/topic.js';
import type { Partition } from '../partition/partition.js';
import { ConsumerGroupCoordinator } from './groups/consumer-coordinator.js';
import { GroupCoordinator } from './groups/coordinator.js';
import type { CommittedOffset } from './groups/group.js';

/** A Fetch parked until data arrives or its wait ends. */
export interface FetchWaiter {
  readonly partitions: readonly Partition[];
  /** Called after an append to one of `partitions`. */
  wake(): void;
}

/** Committed offsets of one group, by topic then partition. */
export type GroupOffsets = Map<string, Map<number, CommittedOffset>>;

export class ConsumerState {
  /** Classic groups (JoinGroup/SyncGroup) and, for any group id that is not a consumer group, offsets. */
  readonly coordinator: GroupCoordinator;
  /** Consumer groups of the KIP-848 protocol (ConsumerGroupHeartbeat). Group ids are shared with classic groups. */
  readonly consumerGroups: ConsumerGroupCoordinator;
  private readonly waiters = new Map<Partition, Set<FetchWaiter>>();

  constructor(private readonly model: ClusterModel) {
    this.coordinator = new GroupCoordinator(model.clock, model.random);
    this.consumerGroups = new ConsumerGroupCoordinator(
      model,
      model.clock,
      () => kafkaMemberId(model.random),
      (groupId) => {
        const classic = this.coordinator.groups.get(groupId);
        if (classic === undefined) return undefined;
        if (!classic.isEmpty) return 'busy';
        this.coordinator.groups.delete(groupId);
        return new Map(classic.offsets);
      },
    );
  }

  /** The committed offsets of a group of either kind, created (as a classic group's, as Kafka) on first commit. */
  offsetsOf(groupId: string, create: boolean): GroupOffsets | undefined {
    const modern = this.consumerGroups.groups.get(groupId);
    if (modern !== undefined) return modern.offsets;
    if (create) this.coordinator.commitTarget(groupId);
    return this.coordinator.groups.get(groupId)?.offsets;
  }

  park(waiter: FetchWaiter): void {
    for (const partition of waiter.partitions) {
      let set = this.waiters.get(partition);
      if (set === undefined) {
        set = new Set();
        this.waiters.set(partition, set);
      }
      set.add(waiter);
    }
  }

  unpark(waiter: FetchWaiter): void {
    for (const partition of waiter.partitions) {
      const set = this.waiters.get(partition);
      if (set === undefined) continue;
      set.delete(waiter);
      if (set.size === 0) this.waiters.delete(partition);
    }
  }

  /** Wakes the Fetch requests waiting on the partitions a Produce just appended to. */
  appended(batches: readonly AppendedBatch[]): void {
    if (this.waiters.size === 0) return;
    const woken = new Set<FetchWaiter>();
    for (const batch of batches) {
      const partition = this.model.partition(batch.topic, batch.partition);
      const set = partition === undefined ? undefined : this.waiters.get(partition);
      if (set !== undefined) for (const waiter of set) woken.add(waiter);
    }
    for (const waiter of woken) waiter.wake();
  }
}

/** A member id as Kafka's coordinator makes one for ConsumerGroupHeartbeat v0: a UUID, base64url, unpadded. */
function kafkaMemberId(random: () => number): string {
  const hex = randomUuid(random).replaceAll('-', '');
  return Buffer.from(hex, 'hex').toString('base64url');
}

const STATES = new WeakMap<ClusterModel, ConsumerState>();

export function consumerStateOf(model: ClusterModel): ConsumerState {
  let state = STATES.get(model);
  if (state === undefined) {
    state = new ConsumerState(model);
    STATES.set(model, state);
  }
  return state;
}
