/**
 * The cluster's state: brokers, topics, partitions, the producer-id controller, the broker profile
 * and the expiry schedule. Request handlers read and change it; the public MemoryCluster wraps it.
 */
import type { Clock } from '../clock.js';
import {
  type CreateTopicOptions,
  DEFAULT_TOPIC_CONFIG,
  type MemoryClusterOptions,
  type TopicConfig,
} from '../config.js';
import type { Partition } from '../partition/partition.js';
import { type BrokerProfile, DEFAULT_PROFILE } from '../partition/profile.js';
import { Broker } from './broker.js';
import {
  BROKER_NAMES_OF_TOPIC_DEFAULTS,
  type BrokerConfigLayers,
  configString,
  effectiveTopicConfig,
  overridesOf,
} from './configs.js';
import { EventLog } from './events.js';
import { ProducerIdController } from './pid-allocator.js';
import { randomUuid, Topic } from './topic.js';
import { validateTopicName } from './topic-name.js';

export class ClusterModel {
  readonly brokers: Broker[] = [];
  readonly topics = new Map<string, Topic>();
  readonly topicsById = new Map<string, Topic>();
  /** Deleted topics, oldest first, with their logs: what was written to a deleted topic was written. */
  readonly deletedTopics: Topic[] = [];
  /** Topic names producers may not write to (a removed Write ACL): Produce answers TOPIC_AUTHORIZATION_FAILED. */
  readonly writeDenied = new Set<string>();
  readonly events: EventLog;
  readonly clusterId: string;
  readonly pidController = new ProducerIdController();
  profile: BrokerProfile;
  readonly autoCreateTopics: boolean;
  readonly defaultPartitions: number;
  readonly topicDefaults: TopicConfig;
  readonly producerIdExpirationMs: number;
  readonly expirationCheckIntervalMs: number;
  readonly storeRecords: boolean;
  /**
   * Broker configs set cluster-wide at run time (IncrementalAlterConfigs on BROKER ''). A Kafka 4.3 cluster
   * starts with min.insync.replicas written there by its controller (ELR's safety record).
   */
  readonly clusterConfigs = new Map<string, string>([['min.insync.replicas', '1']]);
  /** What the cluster's options set, as the broker configs a server.properties would hold. */
  private readonly staticConfigs = new Map<string, string>();
  /** Clock time of the next scheduled producer-expiry check (Kafka runs it on a fixed interval). */
  private nextExpiryCheck: number;
  private nextLeader = 0;

  constructor(
    options: MemoryClusterOptions,
    readonly clock: Clock,
    readonly random: () => number,
  ) {
    this.events = new EventLog(() => clock.now());
    this.profile = options.profile ?? DEFAULT_PROFILE;
    this.autoCreateTopics = options.autoCreateTopics ?? true;
    this.defaultPartitions = positiveInt(options.defaultPartitions ?? 1, 'defaultPartitions');
    this.topicDefaults = { ...DEFAULT_TOPIC_CONFIG, ...options.topicDefaults };
    this.producerIdExpirationMs = options.producerIdExpirationMs ?? 86_400_000;
    this.expirationCheckIntervalMs = options.producerIdExpirationCheckIntervalMs ?? 600_000;
    this.storeRecords = options.storeRecords ?? true;
    this.clusterId = options.clusterId ?? 'idem-memory-cluster';
    for (const [key, value] of Object.entries(options.topicDefaults ?? {}) as [keyof TopicConfig, never][]) {
      if (value !== undefined)
        this.staticConfigs.set(BROKER_NAMES_OF_TOPIC_DEFAULTS[key], configString(value));
    }
    if (options.defaultPartitions !== undefined)
      this.staticConfigs.set('num.partitions', String(this.defaultPartitions));
    if (options.autoCreateTopics !== undefined)
      this.staticConfigs.set('auto.create.topics.enable', String(this.autoCreateTopics));
    if (options.producerIdExpirationMs !== undefined)
      this.staticConfigs.set('producer.id.expiration.ms', String(this.producerIdExpirationMs));
    const count = positiveInt(options.brokers ?? 1, 'brokers');
    const host = options.host ?? '127.0.0.1';
    const basePort = options.basePort ?? 9092;
    for (let i = 0; i < count; i++) {
      this.brokers.push(new Broker(i + 1, host, basePort + i, this.pidController));
    }
    this.nextExpiryCheck = clock.now() + this.expirationCheckIntervalMs;
  }

  get nodeIds(): number[] {
    return this.brokers.map((b) => b.nodeId);
  }

  broker(nodeId: number): Broker | undefined {
    return this.brokers.find((b) => b.nodeId === nodeId);
  }

  topic(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  partition(topic: string, index: number): Partition | undefined {
    return this.topics.get(topic)?.partitions[index];
  }

  /** Where broker configs come from, as broker `nodeId` sees them (node.id and broker.id are always set). */
  configLayers(nodeId: number): BrokerConfigLayers {
    const staticConfig = new Map(this.staticConfigs);
    staticConfig.set('node.id', String(nodeId));
    staticConfig.set('broker.id', String(nodeId));
    return {
      perBroker: this.broker(nodeId)?.dynamicConfigs ?? new Map(),
      clusterDefault: this.clusterConfigs,
      staticConfig,
    };
  }

  /**
   * producer.id.expiration.ms as broker `nodeId` runs with it: its own dynamic value, else the cluster-wide dynamic
   * default, else the static one (Kafka reconfigures it at run time, KIP-854).
   */
  producerIdExpirationMsOn(nodeId: number): number {
    const name = 'producer.id.expiration.ms';
    const dynamic = this.broker(nodeId)?.dynamicConfigs.get(name) ?? this.clusterConfigs.get(name);
    return dynamic === undefined ? this.producerIdExpirationMs : Number(dynamic);
  }

  /** Sets a topic's overrides and the config its next append follows. */
  setTopicOverrides(topic: Topic, overrides: ReadonlyMap<string, string>): void {
    topic.overrides = new Map(overrides);
    this.refreshTopicConfig(topic);
  }

  /** Recomputes what a topic runs with from its overrides and the broker configs (after either changed). */
  refreshTopicConfig(topic: Topic): void {
    topic.config = effectiveTopicConfig(
      this.topicDefaults,
      topic.overrides,
      this.configLayers(topic.partitions[0]?.leaderId ?? 1),
    );
  }

  createTopic(
    name: string,
    options: CreateTopicOptions = {},
    overrides: ReadonlyMap<string, string> = new Map(),
  ): Topic {
    const nameError = validateTopicName(name);
    if (nameError !== null) throw new Error(nameError);
    if (this.topics.has(name)) throw new Error(`topic '${name}' already exists`);
    const count = positiveInt(options.partitions ?? this.defaultPartitions, 'partitions');
    const leaders: number[] = [];
    for (let i = 0; i < count; i++) {
      const leader = options.leaders?.[i] ?? this.brokers[this.nextLeader++ % this.brokers.length]!.nodeId;
      if (this.broker(leader) === undefined) throw new Error(`no broker ${leader} to lead ${name}-${i}`);
      leaders.push(leader);
    }
    const config = { ...this.topicDefaults, ...options.config };
    const topic = new Topic(name, randomUuid(this.random), config, leaders, this.storeRecords);
    topic.overrides = new Map([...overridesOf(options.config ?? {}), ...overrides]);
    if (overrides.size > 0) this.refreshTopicConfig(topic);
    this.topics.set(name, topic);
    this.topicsById.set(topic.topicId, topic);
    // Only a re-creation is news for a test; first creations are set-up.
    if (this.deletedTopics.some((t) => t.name === name))
      this.events.record({ kind: 'topic-created', topic: name, detail: `recreated as ${topic.topicId}` });
    return topic;
  }

  /**
   * Kafka's DeleteTopics: the topic and its producer state are gone at once (Metadata no longer names it, Produce
   * answers UNKNOWN_TOPIC_OR_PARTITION). Its logs are kept apart for tests; a topic created later under the same
   * name is a new topic.
   */
  deleteTopic(name: string): Topic | undefined {
    const topic = this.topics.get(name);
    if (topic === undefined) return undefined;
    this.topics.delete(name);
    this.topicsById.delete(topic.topicId);
    topic.deletedAt = this.clock.now();
    this.deletedTopics.push(topic);
    this.events.record({ kind: 'topic-deleted', topic: name, detail: topic.topicId });
    return topic;
  }

  /** Kafka's CreatePartitions: grows `name` to `total` partitions (never shrinks), leaders round-robin unless given. */
  addPartitions(name: string, total: number, leadersOfNew?: readonly number[]): number {
    const topic = this.topics.get(name);
    if (topic === undefined) throw new RangeError(`no topic '${name}'`);
    const count = positiveInt(total, 'partitions');
    if (count <= topic.partitions.length) {
      throw new RangeError(`'${name}' has ${topic.partitions.length} partitions; ${count} would not grow it`);
    }
    const leaders: number[] = [];
    for (let i = topic.partitions.length; i < count; i++) {
      leaders.push(
        leadersOfNew?.[i - topic.partitions.length] ??
          this.brokers[this.nextLeader++ % this.brokers.length]!.nodeId,
      );
    }
    topic.addPartitions(leaders);
    this.events.record({ kind: 'partitions-added', topic: name, detail: `now ${count}` });
    return count;
  }

  /** The broker that leads the partition right now, or undefined when it is down (no leader). */
  liveLeader(partition: Partition): Broker | undefined {
    const broker = this.broker(partition.leaderId);
    return broker?.up ? broker : undefined;
  }

  /**
   * The leader the controller announces in Metadata: the partition's leader while that broker is registered,
   * even if it is dead and refusing connections (the controller has not noticed yet), else none.
   */
  announcedLeader(partition: Partition): Broker | undefined {
    const broker = this.broker(partition.leaderId);
    return broker !== undefined && (broker.up || broker.registered) ? broker : undefined;
  }

  /**
   * Runs the producer-expiry check if it is due. Kafka checks every
   * producer.id.expiration.check.interval.ms, so an entry expires at the first check after it
   * became old enough, and the check compares against the time of that check.
   */
  tickExpiry(now: number): void {
    if (this.expirationCheckIntervalMs <= 0) {
      this.expireProducers(now);
      return;
    }
    if (now < this.nextExpiryCheck) return;
    const missed = Math.floor((now - this.nextExpiryCheck) / this.expirationCheckIntervalMs);
    const checkTime = this.nextExpiryCheck + missed * this.expirationCheckIntervalMs;
    this.nextExpiryCheck = checkTime + this.expirationCheckIntervalMs;
    this.expireProducers(checkTime);
  }

  /** Drops every producer entry whose last record timestamp is the leader's producer.id.expiration.ms older than `now`. */
  expireProducers(now: number): void {
    for (const topic of this.topics.values()) {
      for (const partition of topic.partitions) {
        if (partition.producers.size === 0) continue;
        const removed = partition.producers.removeExpired(
          now,
          this.producerIdExpirationMsOn(partition.leaderId),
        );
        if (removed.length > 0) {
          this.events.record({
            kind: 'producers-expired',
            topic: topic.name,
            partition: partition.index,
            producerIds: removed,
          });
        }
      }
    }
  }
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
