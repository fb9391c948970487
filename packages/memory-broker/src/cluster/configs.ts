/**
 * Topic and broker configs as Kafka 4.3.0 describes them (ConfigHelper.createTopicConfigEntry and
 * createBrokerConfigEntry, LogConfig, ServerTopicConfigSynonyms): every topic config with its default,
 * type and broker synonym, and the broker configs behind them. Of these, the ones in HONOURED change how
 * the broker answers a produce; the others are stored and described back.
 *
 * Where a value comes from follows Kafka's synonym order: a topic override (DYNAMIC_TOPIC_CONFIG), then
 * the broker synonym set for this broker (DYNAMIC_BROKER_CONFIG), for the cluster (DYNAMIC_DEFAULT_BROKER_CONFIG),
 * in the cluster's options (STATIC_BROKER_CONFIG, the memory broker's server.properties), then Kafka's default.
 */
import type { TopicConfig } from '../config.js';

/** Kafka's ConfigSource ids (DescribeConfigsResponse.ConfigSource). */
export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

/** Kafka's ConfigType ids (DescribeConfigsResponse.ConfigType). */
export const ConfigType = { BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7 } as const;

/** Kafka's ConfigResource.Type ids. */
export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, CLIENT_METRICS: 16, GROUP: 32 } as const;

export interface ConfigDef {
  readonly name: string;
  /** Kafka's default as DescribeConfigs prints it; null when it has none. */
  readonly defaultValue: string | null;
  readonly type: number;
  /** Allowed values, for the enumerated strings and lists. */
  readonly oneOf?: readonly string[];
  /** Smallest allowed value, for numbers. */
  readonly atLeast?: number;
}

interface TopicConfigDef extends ConfigDef {
  /** The broker config that supplies the default (ServerTopicConfigSynonyms), or null. */
  readonly brokerName: string | null;
}

interface BrokerConfigDef extends ConfigDef {
  /** Whether it can be changed at run time (DynamicBrokerConfig.AllDynamicConfigs); others are read-only. */
  readonly dynamic: boolean;
}

const { BOOLEAN, STRING, INT, LONG, DOUBLE, LIST } = ConfigType;
const LONG_MAX = '9223372036854775807';
const COMPRESSION = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'];
const TIMESTAMP_TYPES = ['CreateTime', 'LogAppendTime'];

const topic = (
  name: string,
  defaultValue: string,
  type: number,
  brokerName: string | null,
  more: Partial<ConfigDef> = {},
): TopicConfigDef => ({ name, defaultValue, type, brokerName, ...more });

/** Every topic config of Kafka 4.3.0, in the order Kafka's DescribeConfigs lists them. */
export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  topic('compression.type', 'producer', STRING, 'compression.type', { oneOf: COMPRESSION }),
  topic('remote.log.delete.on.disable', 'false', BOOLEAN, null),
  topic('leader.replication.throttled.replicas', '', LIST, null),
  topic('remote.storage.enable', 'false', BOOLEAN, null),
  topic('min.insync.replicas', '1', INT, 'min.insync.replicas', { atLeast: 1 }),
  topic('segment.jitter.ms', '0', LONG, 'log.roll.jitter.ms', { atLeast: 0 }),
  topic('remote.log.copy.disable', 'false', BOOLEAN, null),
  topic('local.retention.ms', '-2', LONG, 'log.local.retention.ms', { atLeast: -2 }),
  topic('cleanup.policy', 'delete', LIST, 'log.cleanup.policy', { oneOf: ['delete', 'compact'] }),
  topic('flush.ms', LONG_MAX, LONG, 'log.flush.interval.ms', { atLeast: 0 }),
  topic('follower.replication.throttled.replicas', '', LIST, null),
  topic('compression.lz4.level', '9', INT, 'compression.lz4.level', { atLeast: 1 }),
  topic('segment.bytes', '1073741824', INT, 'log.segment.bytes', { atLeast: 1_048_576 }),
  topic('retention.ms', '604800000', LONG, 'log.retention.ms', { atLeast: -1 }),
  topic('compression.gzip.level', '-1', INT, 'compression.gzip.level', { atLeast: -1 }),
  topic('flush.messages', LONG_MAX, LONG, 'log.flush.interval.messages', { atLeast: 1 }),
  topic('compression.zstd.level', '3', INT, 'compression.zstd.level', { atLeast: -131072 }),
  topic('max.compaction.lag.ms', LONG_MAX, LONG, 'log.cleaner.max.compaction.lag.ms', { atLeast: 1 }),
  topic('file.delete.delay.ms', '60000', LONG, 'log.segment.delete.delay.ms', { atLeast: 0 }),
  topic('max.message.bytes', '1048588', INT, 'message.max.bytes', { atLeast: 0 }),
  topic('min.compaction.lag.ms', '0', LONG, 'log.cleaner.min.compaction.lag.ms', { atLeast: 0 }),
  topic('message.timestamp.type', 'CreateTime', STRING, 'log.message.timestamp.type', {
    oneOf: TIMESTAMP_TYPES,
  }),
  topic('local.retention.bytes', '-2', LONG, 'log.local.retention.bytes', { atLeast: -2 }),
  topic('preallocate', 'false', BOOLEAN, 'log.preallocate'),
  topic('index.interval.bytes', '4096', INT, 'log.index.interval.bytes', { atLeast: 0 }),
  topic('min.cleanable.dirty.ratio', '0.5', DOUBLE, 'log.cleaner.min.cleanable.ratio'),
  topic('unclean.leader.election.enable', 'false', BOOLEAN, 'unclean.leader.election.enable'),
  topic('retention.bytes', '-1', LONG, 'log.retention.bytes'),
  topic('delete.retention.ms', '86400000', LONG, 'log.cleaner.delete.retention.ms', { atLeast: 0 }),
  topic('message.timestamp.after.max.ms', '3600000', LONG, 'log.message.timestamp.after.max.ms', {
    atLeast: 0,
  }),
  topic('message.timestamp.before.max.ms', LONG_MAX, LONG, 'log.message.timestamp.before.max.ms', {
    atLeast: 0,
  }),
  topic('segment.ms', '604800000', LONG, 'log.roll.ms', { atLeast: 1 }),
  topic('segment.index.bytes', '10485760', INT, 'log.index.size.max.bytes', { atLeast: 4 }),
];

const broker = (
  name: string,
  defaultValue: string | null,
  type: number,
  dynamic: boolean,
  more: Partial<ConfigDef> = {},
): BrokerConfigDef => ({ name, defaultValue, type, dynamic, ...more });

/**
 * The broker configs the memory broker knows (of Kafka's 342): the synonyms of the topic configs and the
 * settings it models, in the order Kafka lists them.
 */
export const BROKER_CONFIGS: readonly BrokerConfigDef[] = [
  broker('log.cleaner.min.compaction.lag.ms', '0', LONG, true),
  broker('log.flush.interval.messages', LONG_MAX, LONG, true, { atLeast: 1 }),
  broker('log.flush.interval.ms', null, LONG, true),
  broker('min.insync.replicas', '1', INT, true, { atLeast: 1 }),
  broker('message.max.bytes', '1048588', INT, true, { atLeast: 0 }),
  broker('log.roll.jitter.hours', '0', INT, false),
  broker('log.cleaner.delete.retention.ms', '86400000', LONG, true),
  broker('log.message.timestamp.type', 'CreateTime', STRING, true, { oneOf: TIMESTAMP_TYPES }),
  broker('log.retention.hours', '168', INT, false),
  broker('producer.id.expiration.ms', '86400000', INT, true, { atLeast: 1 }),
  broker('log.roll.ms', null, LONG, true),
  broker('node.id', null, INT, false),
  broker('log.local.retention.ms', '-2', LONG, true),
  broker('log.segment.bytes', '1073741824', INT, true, { atLeast: 1_048_576 }),
  broker('log.message.timestamp.after.max.ms', '3600000', LONG, true, { atLeast: 0 }),
  broker('log.retention.minutes', null, INT, false),
  broker('log.segment.delete.delay.ms', '60000', LONG, true),
  broker('log.message.timestamp.before.max.ms', LONG_MAX, LONG, true, { atLeast: 0 }),
  broker('log.cleaner.min.cleanable.ratio', '0.5', DOUBLE, true),
  broker('compression.gzip.level', '-1', INT, true),
  broker('unclean.leader.election.enable', 'false', BOOLEAN, true),
  broker('auto.create.topics.enable', 'true', BOOLEAN, false),
  broker('default.replication.factor', '1', INT, false),
  broker('log.preallocate', 'false', BOOLEAN, true),
  broker('delete.topic.enable', 'true', BOOLEAN, false),
  broker('log.cleaner.max.compaction.lag.ms', LONG_MAX, LONG, true),
  broker('log.retention.ms', null, LONG, true, { atLeast: -1 }),
  broker('log.local.retention.bytes', '-2', LONG, true),
  broker('log.retention.bytes', '-1', LONG, true),
  broker('compression.zstd.level', '3', INT, true),
  broker('num.partitions', '1', INT, false, { atLeast: 1 }),
  broker('log.index.size.max.bytes', '10485760', INT, true),
  broker('compression.lz4.level', '9', INT, true),
  broker('log.roll.hours', '168', INT, false),
  broker('log.cleanup.policy', 'delete', LIST, true, { oneOf: ['delete', 'compact'] }),
  broker('log.roll.jitter.ms', null, LONG, true),
  broker('log.index.interval.bytes', '4096', INT, true),
  broker('compression.type', 'producer', STRING, true, { oneOf: COMPRESSION }),
  broker('broker.id', '-1', INT, false),
];

export const TOPIC_CONFIG_BY_NAME = new Map(TOPIC_CONFIGS.map((c) => [c.name, c]));
export const BROKER_CONFIG_BY_NAME = new Map(BROKER_CONFIGS.map((c) => [c.name, c]));

/** DynamicBrokerConfig.brokerConfigSynonyms: the names that can supply a broker config, most specific first. */
export function brokerSynonyms(name: string): string[] {
  switch (name) {
    case 'log.retention.ms':
      return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'];
    case 'log.roll.ms':
      return ['log.roll.ms', 'log.roll.hours'];
    case 'log.roll.jitter.ms':
      return ['log.roll.jitter.ms', 'log.roll.jitter.hours'];
    case 'log.flush.interval.ms':
      return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'];
    default:
      return [name];
  }
}

export interface Synonym {
  readonly name: string;
  readonly value: string | null;
  readonly source: number;
}

/** Where broker configs are set: per broker and cluster-wide at run time, and in the cluster's options. */
export interface BrokerConfigLayers {
  readonly perBroker: ReadonlyMap<string, string>;
  readonly clusterDefault: ReadonlyMap<string, string>;
  readonly staticConfig: ReadonlyMap<string, string>;
}

/** ConfigHelper.configSynonyms: every layer holding one of the synonyms, then dropped up to the first named `name`. */
export function configSynonyms(name: string, layers: BrokerConfigLayers): Synonym[] {
  const names = brokerSynonyms(name);
  const all: Synonym[] = [];
  const add = (map: ReadonlyMap<string, string | null>, source: number) => {
    for (const n of names) if (map.has(n)) all.push({ name: n, value: map.get(n) ?? null, source });
  };
  add(layers.perBroker, ConfigSource.DYNAMIC_BROKER_CONFIG);
  add(layers.clusterDefault, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
  add(layers.staticConfig, ConfigSource.STATIC_BROKER_CONFIG);
  add(STATIC_DEFAULTS, ConfigSource.DEFAULT_CONFIG);
  const first = all.findIndex((s) => s.name === name);
  return first < 0 ? [] : all.slice(first);
}

/** Kafka's staticDefaultConfigs: the broker configs with a non-null default. */
const STATIC_DEFAULTS: ReadonlyMap<string, string> = new Map(
  [...BROKER_CONFIGS, broker('log.flush.scheduler.interval.ms', LONG_MAX, LONG, false)]
    .filter((c) => c.defaultValue !== null)
    .map((c) => [c.name, c.defaultValue!]),
);

export interface DescribedConfig {
  readonly name: string;
  readonly value: string | null;
  readonly readOnly: boolean;
  readonly configSource: number;
  readonly isSensitive: boolean;
  readonly synonyms: Synonym[];
  readonly configType: number;
  readonly documentation: null;
}

/** ConfigHelper.createTopicConfigEntry for one topic config. */
export function describeTopicConfig(
  def: TopicConfigDef,
  overrides: ReadonlyMap<string, string>,
  layers: BrokerConfigLayers,
): DescribedConfig {
  const fromBroker = def.brokerName === null ? [] : configSynonyms(def.brokerName, layers);
  const override = overrides.get(def.name);
  const synonyms =
    override === undefined
      ? fromBroker
      : [{ name: def.name, value: override, source: ConfigSource.DYNAMIC_TOPIC_CONFIG }, ...fromBroker];
  const value = override ?? effectiveBrokerValue(def, fromBroker);
  return {
    name: def.name,
    value,
    readOnly: false,
    configSource: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
    isSensitive: false,
    synonyms,
    configType: def.type,
    documentation: null,
  };
}

/** A topic config's value without an override: the broker synonym's when set above Kafka's default. */
function effectiveBrokerValue(def: TopicConfigDef, fromBroker: readonly Synonym[]): string | null {
  const set = fromBroker.find((s) => s.name === def.brokerName && s.source !== ConfigSource.DEFAULT_CONFIG);
  return set?.value ?? def.defaultValue;
}

/** ConfigHelper.createBrokerConfigEntry; `perBroker` false describes the cluster-wide dynamic defaults. */
export function describeBrokerConfig(
  def: BrokerConfigDef,
  layers: BrokerConfigLayers,
  perBroker: boolean,
): DescribedConfig {
  const synonyms = configSynonyms(def.name, layers).filter(
    (s) => perBroker || s.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
  );
  return {
    name: def.name,
    value: perBroker
      ? (synonyms[0]?.value ?? def.defaultValue)
      : (layers.clusterDefault.get(def.name) ?? null),
    readOnly: !def.dynamic,
    configSource: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
    isSensitive: false,
    synonyms,
    configType: def.type,
    documentation: null,
  };
}

/** Checks a value against its definition (ConfigDef.parse): null when valid, else Kafka's message. */
export function invalidValue(def: ConfigDef, value: string): string | null {
  const bad = (why: string) => `Invalid value ${value} for configuration ${def.name}: ${why}`;
  switch (def.type) {
    case ConfigType.BOOLEAN:
      return /^(true|false)$/i.test(value.trim()) ? null : bad('Expected value to be either true or false');
    case ConfigType.INT:
    case ConfigType.LONG: {
      const text = value.trim();
      if (!/^-?\d+$/.test(text))
        return bad(`Not a number of type ${def.type === ConfigType.INT ? 'INT' : 'LONG'}`);
      const n = BigInt(text);
      const [lo, hi] =
        def.type === ConfigType.INT ? [-(2n ** 31n), 2n ** 31n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
      if (n < lo || n > hi)
        return bad(`Not a number of type ${def.type === ConfigType.INT ? 'INT' : 'LONG'}`);
      if (def.atLeast !== undefined && n < BigInt(def.atLeast))
        return bad(`Value must be at least ${def.atLeast}`);
      return null;
    }
    case ConfigType.DOUBLE:
      return value.trim() !== '' && Number.isFinite(Number(value))
        ? null
        : bad('Not a number of type DOUBLE');
    case ConfigType.STRING:
      return def.oneOf === undefined || def.oneOf.includes(value)
        ? null
        : bad(`String must be one of: ${def.oneOf.join(', ')}`);
    case ConfigType.LIST: {
      if (def.oneOf === undefined) return null;
      const items = value.split(',').map((s) => s.trim());
      return items.every((i) => def.oneOf!.includes(i))
        ? null
        : bad(`String must be one of: ${def.oneOf.join(', ')}`);
    }
    default:
      return null;
  }
}

/** The topic configs the broker honours, by config name, with how they map onto TopicConfig. */
const HONOURED: Readonly<Record<string, (config: MutableTopicConfig, value: string) => void>> = {
  'max.message.bytes': (c, v) => {
    c.maxMessageBytes = Number(v);
  },
  'segment.bytes': (c, v) => {
    c.segmentBytes = Number(v);
  },
  'message.timestamp.type': (c, v) => {
    c.messageTimestampType = v as TopicConfig['messageTimestampType'];
  },
  'message.timestamp.before.max.ms': (c, v) => {
    c.messageTimestampBeforeMaxMs = v === LONG_MAX ? Number.POSITIVE_INFINITY : Number(v);
  },
  'message.timestamp.after.max.ms': (c, v) => {
    c.messageTimestampAfterMaxMs = v === LONG_MAX ? Number.POSITIVE_INFINITY : Number(v);
  },
};

type MutableTopicConfig = { -readonly [K in keyof TopicConfig]: TopicConfig[K] };

/** TopicConfig keys as the config names Kafka gives them, and how each value is written. */
export const TOPIC_CONFIG_NAMES: Readonly<Record<keyof TopicConfig, string>> = {
  maxMessageBytes: 'max.message.bytes',
  segmentBytes: 'segment.bytes',
  messageTimestampType: 'message.timestamp.type',
  messageTimestampBeforeMaxMs: 'message.timestamp.before.max.ms',
  messageTimestampAfterMaxMs: 'message.timestamp.after.max.ms',
};

/** The broker config behind each TopicConfig key (what the cluster's topicDefaults set). */
export const BROKER_NAMES_OF_TOPIC_DEFAULTS: Readonly<Record<keyof TopicConfig, string>> = {
  maxMessageBytes: 'message.max.bytes',
  segmentBytes: 'log.segment.bytes',
  messageTimestampType: 'log.message.timestamp.type',
  messageTimestampBeforeMaxMs: 'log.message.timestamp.before.max.ms',
  messageTimestampAfterMaxMs: 'log.message.timestamp.after.max.ms',
};

/** A TopicConfig value as Kafka prints it. */
export function configString(value: TopicConfig[keyof TopicConfig]): string {
  return typeof value === 'number' && !Number.isFinite(value) ? LONG_MAX : String(value);
}

/** Turns a typed patch (CreateTopicOptions.config, MemoryCluster.alterTopicConfig) into topic overrides. */
export function overridesOf(patch: Partial<TopicConfig>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(patch) as [keyof TopicConfig, TopicConfig[keyof TopicConfig]][]) {
    if (value !== undefined) out.set(TOPIC_CONFIG_NAMES[key], configString(value));
  }
  return out;
}

/** The TopicConfig a topic runs with: each honoured config's described value. */
export function effectiveTopicConfig(
  base: TopicConfig,
  overrides: ReadonlyMap<string, string>,
  layers: BrokerConfigLayers,
): TopicConfig {
  const config: MutableTopicConfig = { ...base };
  for (const [name, apply] of Object.entries(HONOURED)) {
    const described = describeTopicConfig(TOPIC_CONFIG_BY_NAME.get(name)!, overrides, layers);
    // Only a value set somewhere above Kafka's default replaces the cluster's typed default.
    if (described.configSource !== ConfigSource.DEFAULT_CONFIG && described.value !== null)
      apply(config, described.value);
  }
  return config;
}
