/** Cluster and topic options, with Kafka 4.3.0's defaults. */
import type { Clock } from './clock.js';
import type { BrokerProfile } from './partition/profile.js';
import type { Random } from './random.js';

/** `message.timestamp.type`: keep the producer's timestamps (CreateTime) or stamp batches on append (LogAppendTime). */
export type TimestampType = 'CreateTime' | 'LogAppendTime';

/** The per-topic settings that change how a produce is answered. */
export interface TopicConfig {
  /** `message.timestamp.type`: LogAppendTime makes the broker stamp the batch's max timestamp. */
  readonly messageTimestampType: TimestampType;
  /** `max.message.bytes`: the largest batch accepted (bytes, whole batch). */
  readonly maxMessageBytes: number;
  /**
   * `segment.bytes`: a batch larger than a log segment is refused with RECORD_LIST_TOO_LARGE, after the record
   * checks and before the producer-state (duplicate) check (UnifiedLog.append).
   */
  readonly segmentBytes: number;
  /** `message.timestamp.before.max.ms` (CreateTime only): how far in the past a record may be. */
  readonly messageTimestampBeforeMaxMs: number;
  /** `message.timestamp.after.max.ms` (CreateTime only): how far in the future a record may be. */
  readonly messageTimestampAfterMaxMs: number;
}

/** Kafka 4.3.0's default for each TopicConfig setting (sizes in bytes, times in ms). */
export const DEFAULT_TOPIC_CONFIG: TopicConfig = Object.freeze({
  messageTimestampType: 'CreateTime',
  maxMessageBytes: 1_048_588,
  segmentBytes: 1_073_741_824,
  messageTimestampBeforeMaxMs: Number.POSITIVE_INFINITY,
  messageTimestampAfterMaxMs: 3_600_000,
});

/** How MemoryCluster.createTopic (and the `topics` cluster option) creates a topic. */
export interface CreateTopicOptions {
  /** Number of partitions, a positive integer; default the cluster's `defaultPartitions`. */
  readonly partitions?: number;
  /** Overrides of the cluster's topic defaults. */
  readonly config?: Partial<TopicConfig>;
  /** Leader node of each partition; default round-robin over the brokers. */
  readonly leaders?: readonly number[];
}

/** Options of a MemoryCluster; every one has a default. */
export interface MemoryClusterOptions {
  /** Number of brokers; node ids are 1..N (tooling/kafka's single broker is node 1). Default 1. */
  readonly brokers?: number;
  /** Time source for the brokers; default realClock (a ManualClock for a deterministic test). */
  readonly clock?: Clock;
  /** Seeded source for random faults (a function, or core's `{ next() }` port); default `seededRandom(seed ?? 1)`. */
  readonly random?:
    | Random
    | {
        /** Uniform in [0, 1). */
        next(): number;
      };
  /** Seed of the default `random`; default 1. */
  readonly seed?: number;
  /** Which Kafka release's producer-state rules to follow; default '2.5-4.4' (Kafka 4.3.0). */
  readonly profile?: BrokerProfile;
  /** `auto.create.topics.enable`; default true. */
  readonly autoCreateTopics?: boolean;
  /** `num.partitions` for auto-created topics; default 1. */
  readonly defaultPartitions?: number;
  /** Defaults for every topic's config. */
  readonly topicDefaults?: Partial<TopicConfig>;
  /** Topics that exist from the start. */
  readonly topics?: Readonly<Record<string, CreateTopicOptions>>;
  /** `producer.id.expiration.ms`; default 86,400,000 (1 day). */
  readonly producerIdExpirationMs?: number;
  /** `producer.id.expiration.check.interval.ms`; default 600,000. 0 checks before every request. */
  readonly producerIdExpirationCheckIntervalMs?: number;
  /** Keep batch bytes in the logs (needed to read records back); false keeps offsets only. Default true. */
  readonly storeRecords?: boolean;
  /** Host advertised in Metadata; default '127.0.0.1'. Ports default to 9092 + node index. */
  readonly host?: string;
  readonly basePort?: number;
  readonly clusterId?: string;
}
