// What a failover scenario's script works with: the cluster's fault controls, the leader watch, and a log of the
// faults it caused, each with the partitions whose leader it took away (those are the ones whose stall counts).
import type { KafkaCluster } from '@idem/kafka-tooling';
import type { LeaderSample, LeaderWatch } from './leader-watch.js';
import type { FailoverSettings } from './settings.js';

export interface FaultEvent {
  readonly kind: string;
  /** The node that lost its leaderships. */
  readonly node: number;
  /** performance.now() when the fault was applied. */
  readonly at: number;
  /** Partitions `node` led just before. */
  readonly affected: readonly number[];
  /** When the node answered again after a restart; null if it stayed down. */
  backAt: number | null;
}

export interface FaultContext {
  readonly cluster: KafkaCluster;
  readonly topic: string;
  readonly watch: LeaderWatch;
  readonly settings: FailoverSettings;
  /** Records a fault on `node` about to be applied (call it right before the kill / shutdown / move). */
  fault(kind: string, node: number): FaultEvent;
  sleep(ms: number): Promise<void>;
}

export interface FailoverScenario {
  readonly name: string;
  readonly description: string;
  /** How long the script runs, so sends can be paced over the whole run. */
  plannedMs(settings: FailoverSettings): number;
  run(context: FaultContext): Promise<void>;
}

/** The node leading the most partitions (lowest id on a tie): killing it hurts most. */
export function busiestLeader(sample: LeaderSample): number {
  const count = new Map<number, number>();
  for (const leader of sample.leaders.values())
    if (leader >= 0) count.set(leader, (count.get(leader) ?? 0) + 1);
  const ranked = [...count].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const top = ranked[0];
  if (!top) throw new Error('no partition has a leader');
  return top[0];
}

export function ledBy(sample: LeaderSample, node: number): number[] {
  return [...sample.leaders].filter(([, leader]) => leader === node).map(([p]) => p);
}
