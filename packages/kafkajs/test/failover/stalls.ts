// The longest stall per partition: for each fault, each partition it took the leader from, the time from the
// moment metadata showed a new leader (or the old one back, for a node restarted before it was fenced) to the
// first acknowledgement on that partition after it.
import type { FaultEvent } from './fault-script.js';
import type { LeaderWatch } from './leader-watch.js';

export interface Ack {
  readonly partition: number;
  readonly at: number;
}

export interface PartitionStall {
  readonly partition: number;
  readonly fault: string;
  /** ms after the fault when metadata showed the new leader. */
  readonly newLeaderAfterMs: number;
  readonly stallMs: number;
  /** false: no acknowledgement on the partition after the new leader showed, up to the end of the run. */
  readonly resumed: boolean;
}

export function measureStalls(
  events: readonly FaultEvent[],
  watch: LeaderWatch,
  acks: readonly Ack[],
  endedAt: number,
): PartitionStall[] {
  const stalls: PartitionStall[] = [];
  events.forEach((event, n) => {
    for (const partition of event.affected) {
      const moved = watch.firstNewLeader(partition, event.node, event.at)?.at ?? null;
      const candidates = [moved, event.backAt].filter((t): t is number => t !== null);
      if (candidates.length === 0) continue;
      const shownAt = Math.min(...candidates);
      const resume = acks.find((a) => a.partition === partition && a.at >= shownAt);
      stalls.push({
        partition,
        fault: `${event.kind}#${n + 1} node ${event.node}`,
        newLeaderAfterMs: Math.round(shownAt - event.at),
        stallMs: Math.round((resume?.at ?? endedAt) - shownAt),
        resumed: resume !== undefined,
      });
    }
  });
  return stalls;
}

/** The longest stall of each partition over all faults. */
export function longestPerPartition(stalls: readonly PartitionStall[]): PartitionStall[] {
  const best = new Map<number, PartitionStall>();
  for (const s of stalls) {
    const prev = best.get(s.partition);
    if (!prev || s.stallMs > prev.stallMs) best.set(s.partition, s);
  }
  return [...best.values()].sort((a, b) => a.partition - b.partition);
}
