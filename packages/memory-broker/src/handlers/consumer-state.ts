/**
 * Cluster-wide state of the consumer side, kept beside the cluster model rather than in it so the
 * producer-side model stays as it is: the group coordinator, and the Fetch requests long-polling for
 * data (woken when a Produce appends to a partition they wait on).
 */
import type { AppendedBatch } from '../cluster/events.js';
import type { ClusterModel } from '../cluster/model.js';
import type { Partition } from '../partition/partition.js';
import { GroupCoordinator } from './groups/coordinator.js';

/** A Fetch parked until data arrives or its wait ends. */
export interface FetchWaiter {
  readonly partitions: readonly Partition[];
  /** Called after an append to one of `partitions`. */
  wake(): void;
}

export class ConsumerState {
  readonly coordinator: GroupCoordinator;
  private readonly waiters = new Map<Partition, Set<FetchWaiter>>();

  constructor(private readonly model: ClusterModel) {
    this.coordinator = new GroupCoordinator(model.clock, model.random);
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

const STATES = new WeakMap<ClusterModel, ConsumerState>();

export function consumerStateOf(model: ClusterModel): ConsumerState {
  let state = STATES.get(model);
  if (state === undefined) {
    state = new ConsumerState(model);
    STATES.set(model, state);
  }
  return state;
}
