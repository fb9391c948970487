/** What the fault machinery needs from the cluster, and the shapes of its actions. */
import type { TopicConfig } from '../config.js';
import type { BrokerProfile } from '../partition/profile.js';

/** What a restart does to the producer state of the partitions the broker leads (docs/broker-rules.md §"Restarts and producer state"). */
export type RestartMode =
  /** Clean shutdown and restart with every batch's metadata kept. */
  | 'clean'
  /** State rebuilt from Kafka's snapshot: only the last batch per producer survives, expired producers are dropped. */
  | 'snapshot'
  /** State lost or expired: every producer entry is gone, so a retry is appended again. */
  | 'lost';

/** How a broker restarts (Faults.restartBroker, MemoryCluster.restartBroker). */
export interface RestartOptions {
  /** What happens to the producer state of the partitions it leads; default 'clean'. */
  readonly producerState?: RestartMode;
  /** Keep the broker down this long (clock ms; default 0): connections are refused, its partitions have no leader. */
  readonly downMs?: number;
}

/** Which connections a reset applies to: those matching every field given; `{}` matches all. */
export interface ConnectionFilter {
  /** Connections to this broker only. */
  readonly nodeId?: number;
  /** Only the connection with this id. */
  readonly connectionId?: string;
}

/** What the faults need from the cluster to act on it. */
export interface ClusterControl {
  moveLeader(topic: string, partition: number, toNodeId?: number): number;
  restartBroker(nodeId: number, options?: RestartOptions): void;
  resetConnections(filter?: ConnectionFilter, reason?: string): number;
  setProfile(profile: BrokerProfile): void;
  stopBroker(nodeId: number, options?: StopBrokerOptions): void;
  /** Freezes broker `nodeId`'s Metadata answers at the current view for `forMs`. */
  staleMetadata(nodeId: number, forMs: number): void;
  /** Writes a 'broker-silent' event (Faults.silenceBroker does the silencing). */
  recordSilence(nodeId: number, forMs: number): void;
  deleteTopic(name: string): boolean;
  /** Creates `name` again with the partition count and config it had (a fresh id, empty logs). */
  recreateTopic(name: string, partitions: number, config: TopicConfig): void;
  addPartitions(name: string, total: number): number;
  partitionCount(name: string): number;
  topicConfig(name: string): TopicConfig | undefined;
  alterTopicConfig(name: string, patch: Partial<TopicConfig>): void;
  setTopicWrite(name: string, allowed: boolean): void;
  now(): number;
  /** Runs `fn` `ms` later on the cluster's clock. */
  later(ms: number, fn: () => void): void;
  readonly nodeIds: readonly number[];
  readonly random: () => number;
}

/** A fixed delay, or one drawn uniformly from an inclusive [min, max] range. */
export function sampleMs(ms: number | readonly [number, number], random: () => number): number {
  if (typeof ms === 'number') return ms;
  const [min, max] = ms;
  return min + Math.floor(random() * (max - min + 1));
}

/** What stopping a broker does (the fault is in cluster/broker-outage.ts). */
export interface StopBrokerOptions {
  /** How long it stays dead (clock ms); `Infinity` (the default) never brings it back. */
  readonly downMs?: number;
  /**
   * When the controller fences it and moves its leaderships (clock ms after the stop); default 9,000, Kafka's
   * broker.session.timeout.ms. `Infinity`: never (its partitions keep naming the dead leader).
   */
  readonly failoverAfterMs?: number;
}
