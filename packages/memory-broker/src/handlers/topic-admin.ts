/**
 * CreateTopics and DeleteTopics, enough for admin clients and test setups. Partition count and
 * manual assignments are honoured (the first broker of an assignment leads the partition); the
 * replication factor is only checked, since every broker holds every partition here. Of the topic
 * configs, the ones this broker models are applied (message.timestamp.type, max.message.bytes and
 * the two timestamp bounds); any other config is accepted and ignored.
 */
import type {
  CreateTopicsRequest,
  CreateTopicsRequestCreatableTopic,
  CreateTopicsResponse,
  CreateTopicsResponseCreatableTopicResult,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
} from '@idem/codec';
import { KafkaErrorCode } from '@idem/codec';
import type { TopicConfig } from '../config.js';
import { validateTopicName } from '../cluster/topic-name.js';
import type { HandlerContext } from './context.js';
import { ZERO_UUID } from './metadata.js';

/** Kafka's ConfigSource DYNAMIC_TOPIC_CONFIG and DEFAULT_CONFIG. */
const SOURCE_TOPIC = 1;
const SOURCE_DEFAULT = 5;

type TopicConfigPatch = { -readonly [K in keyof TopicConfig]?: TopicConfig[K] };

export function handleCreateTopics(ctx: HandlerContext, request: CreateTopicsRequest): CreateTopicsResponse {
  const injected = ctx.plan.topLevelError?.errorCode;
  const seen = new Set<string>();
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => {
      if (injected !== undefined) return failure(t.name, injected, 'injected fault');
      if (seen.has(t.name)) return failure(t.name, KafkaErrorCode.INVALID_REQUEST, 'topic named twice');
      seen.add(t.name);
      return createTopic(ctx, t, request.validateOnly);
    }),
  };
}

function createTopic(
  ctx: HandlerContext,
  t: CreateTopicsRequestCreatableTopic,
  validateOnly: boolean,
): CreateTopicsResponseCreatableTopicResult {
  const { cluster } = ctx;
  const nameError = validateTopicName(t.name);
  if (nameError !== null) return failure(t.name, KafkaErrorCode.INVALID_TOPIC_EXCEPTION, nameError);
  if (cluster.topic(t.name) !== undefined) {
    return failure(t.name, KafkaErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`);
  }
  const manual = t.assignments.length > 0;
  if (manual && (t.numPartitions !== -1 || t.replicationFactor !== -1)) {
    return failure(
      t.name,
      KafkaErrorCode.INVALID_REQUEST,
      'Both numPartitions or replicationFactor and replicasAssignments were set.',
    );
  }
  if (!manual && (t.numPartitions === 0 || t.numPartitions < -1)) {
    return failure(t.name, KafkaErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
  }
  const liveBrokers = cluster.brokers.filter((b) => b.up).length;
  if (
    !manual &&
    (t.replicationFactor === 0 || t.replicationFactor < -1 || t.replicationFactor > liveBrokers)
  ) {
    return failure(
      t.name,
      KafkaErrorCode.INVALID_REPLICATION_FACTOR,
      `Replication factor: ${t.replicationFactor} larger than available brokers: ${liveBrokers}.`,
    );
  }
  let leaders: number[] | undefined;
  if (manual) {
    const ordered = [...t.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
    const valid =
      ordered.every((a, i) => a.partitionIndex === i && a.brokerIds.length > 0) &&
      ordered.every((a) => a.brokerIds.every((id) => cluster.broker(id) !== undefined));
    if (!valid)
      return failure(t.name, KafkaErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Invalid replica assignment.');
    leaders = ordered.map((a) => a.brokerIds[0]!);
  }
  const config: TopicConfigPatch = {};
  for (const { name, value } of t.configs) {
    const error = applyConfig(config, name, value);
    if (error !== null) return failure(t.name, KafkaErrorCode.INVALID_CONFIG, error);
  }
  const partitions =
    leaders?.length ?? (t.numPartitions === -1 ? cluster.defaultPartitions : t.numPartitions);
  const replicationFactor = manual
    ? t.assignments[0]!.brokerIds.length
    : t.replicationFactor === -1
      ? 1
      : t.replicationFactor;
  const topicId = validateOnly
    ? ZERO_UUID
    : cluster.createTopic(
        t.name,
        leaders === undefined ? { partitions, config } : { partitions, config, leaders },
      ).topicId;
  const effective = { ...cluster.topicDefaults, ...config };
  return {
    name: t.name,
    topicId,
    errorCode: KafkaErrorCode.NONE,
    errorMessage: null,
    topicConfigErrorCode: KafkaErrorCode.NONE,
    numPartitions: partitions,
    replicationFactor,
    configs: configEntries(effective, config),
  };
}

/** Applies one topic config this broker models; null when accepted, else why not. */
function applyConfig(config: TopicConfigPatch, name: string, value: string | null): string | null {
  const number = () => (value !== null && /^\d+$/.test(value) ? Number(value) : Number.NaN);
  switch (name) {
    case 'message.timestamp.type':
      if (value !== 'CreateTime' && value !== 'LogAppendTime') return `Invalid value ${value} for ${name}`;
      config.messageTimestampType = value;
      return null;
    case 'max.message.bytes':
      config.maxMessageBytes = number();
      return Number.isNaN(config.maxMessageBytes) ? `Invalid value ${value} for ${name}` : null;
    case 'segment.bytes':
      config.segmentBytes = number();
      return Number.isNaN(config.segmentBytes) ? `Invalid value ${value} for ${name}` : null;
    case 'message.timestamp.before.max.ms':
      config.messageTimestampBeforeMaxMs = number();
      return Number.isNaN(config.messageTimestampBeforeMaxMs) ? `Invalid value ${value} for ${name}` : null;
    case 'message.timestamp.after.max.ms':
      config.messageTimestampAfterMaxMs = number();
      return Number.isNaN(config.messageTimestampAfterMaxMs) ? `Invalid value ${value} for ${name}` : null;
    default:
      return null;
  }
}

function configEntries(effective: TopicConfig, set: TopicConfigPatch) {
  const entry = (name: string, value: string, key: keyof TopicConfig) => ({
    name,
    value,
    readOnly: false,
    configSource: set[key] === undefined ? SOURCE_DEFAULT : SOURCE_TOPIC,
    isSensitive: false,
  });
  const ms = (v: number) => (Number.isFinite(v) ? String(v) : '9223372036854775807');
  return [
    entry('max.message.bytes', String(effective.maxMessageBytes), 'maxMessageBytes'),
    entry('message.timestamp.type', effective.messageTimestampType, 'messageTimestampType'),
    entry(
      'message.timestamp.before.max.ms',
      ms(effective.messageTimestampBeforeMaxMs),
      'messageTimestampBeforeMaxMs',
    ),
    entry(
      'message.timestamp.after.max.ms',
      ms(effective.messageTimestampAfterMaxMs),
      'messageTimestampAfterMaxMs',
    ),
  ];
}

function failure(
  name: string,
  errorCode: number,
  errorMessage: string,
): CreateTopicsResponseCreatableTopicResult {
  return {
    name,
    topicId: ZERO_UUID,
    errorCode,
    errorMessage,
    topicConfigErrorCode: KafkaErrorCode.NONE,
    numPartitions: -1,
    replicationFactor: -1,
    configs: null,
  };
}

export function handleDeleteTopics(
  ctx: HandlerContext,
  request: DeleteTopicsRequest,
  version: number,
): DeleteTopicsResponse {
  const { cluster } = ctx;
  const injected = ctx.plan.topLevelError?.errorCode;
  const wanted =
    version >= 6 ? request.topics : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
  return {
    throttleTimeMs: 0,
    responses: wanted.map((w) => {
      const topic =
        w.name !== null && w.name !== '' ? cluster.topic(w.name) : cluster.topicsById.get(w.topicId);
      const result = { name: w.name, topicId: topic?.topicId ?? w.topicId, errorMessage: null };
      if (injected !== undefined) return { ...result, errorCode: injected };
      if (topic === undefined) {
        const errorCode =
          w.name === null || w.name === ''
            ? KafkaErrorCode.UNKNOWN_TOPIC_ID
            : KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        return { ...result, errorCode };
      }
      cluster.deleteTopic(topic.name);
      return { ...result, name: topic.name, errorCode: KafkaErrorCode.NONE };
    }),
  };
}
