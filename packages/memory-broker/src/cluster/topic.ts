/**
 * A topic: its id, its config and its partitions. A topic deleted and created again under the same name is a new
 * Topic (a new id, fresh logs, no producer state), as in Kafka; the deleted one keeps its logs for tests to read.
 */
import type { TopicConfig } from '../config.js';
import { Partition } from '../partition/partition.js';

export class Topic {
  readonly partitions: Partition[];
  /** Clock time it was deleted; -1 while it exists. */
  deletedAt = -1;
  /** The topic-level configs set on it (CreateTopics configs, AlterConfigs), by Kafka config name. */
  overrides = new Map<string, string>();

  constructor(
    readonly name: string,
    readonly topicId: string,
    /** Changed in place by an operator (IncrementalAlterConfigs); the next append reads the new values. */
    public config: TopicConfig,
    leaders: readonly number[],
    private readonly keepBytes: boolean,
  ) {
    this.partitions = leaders.map((leader, index) => new Partition(name, index, leader, keepBytes));
  }

  /** Kafka's CreatePartitions: new, empty partitions after the existing ones, led by `leaders`. */
  addPartitions(leaders: readonly number[]): void {
    for (const leader of leaders) {
      this.partitions.push(new Partition(this.name, this.partitions.length, leader, this.keepBytes));
    }
  }
}

/** A random version-4 UUID in Kafka's lowercase dashed form, drawn from the cluster's seeded source. */
export function randomUuid(random: () => number): string {
  const hex: string[] = [];
  for (let i = 0; i < 32; i++) hex.push(Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
