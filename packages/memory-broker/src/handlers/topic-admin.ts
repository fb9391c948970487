/**
 * CreateTopics and DeleteTopics, enough for admin clients and test setups. Partition count and
 * manual assignments are honoured (the first broker of an assignment leads the partition); the
 * replication factor is only checked, since every broker holds every partition here. Every topic config
 * Kafka knows (cluster/configs.ts) is validated and stored, and the ones this broker honours
 * (max.message.bytes, segment.bytes, message.timestamp.*) are applied; unknown names are ignored.
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
import {
  describeTopicConfig,
  invalidValue,
  TOPIC_CONFIG_BY_NAME,
  TOPIC_CONFIGS,
} from '../cluster/configs.js';
import { validateTopicName } from '../cluster/topic-name.js';
import type { HandlerContext } from './context.js';
import { ZERO_UUID } from './metadata.js';
import { EXCESSIVE_BATCH, MAX_RECORDS_PER_USER_OP } from './partition-admin.js';

export function handleCreateTopics(ctx: HandlerContext, request: CreateTopicsRequest): CreateTopicsResponse {
  const injected = ctx.plan.topLevelError?.errorCode;
  const seen = new Set<string>();
  // A TopicRecord and a PartitionRecord each: past the controller's bound the whole operation fails.
  const records = request.topics.reduce(
    (sum, t) =>
      sum +
      1 +
      (t.assignments.length > 0
        ? t.assignments.length
        : t.numPartitions === -1
          ? ctx.cluster.defaultPartitions
          : Math.max(t.numPartitions, 0)),
    0,
  );
  if (injected === undefined && records > MAX_RECORDS_PER_USER_OP) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => failure(t.name, KafkaErrorCode.POLICY_VIOLATION, EXCESSIVE_BATCH)),
    };
  }
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
  const overrides = new Map<string, string>();
  for (const { name, value } of t.configs) {
    const def = TOPIC_CONFIG_BY_NAME.get(name);
    if (def === undefined) continue; // not a config this broker knows: accepted and ignored
    if (value === null)
      return failure(
        t.name,
        KafkaErrorCode.INVALID_CONFIG,
        `Null value not supported for topic configs: ${name}`,
      );
    const error = invalidValue(def, value);
    if (error !== null) return failure(t.name, KafkaErrorCode.INVALID_CONFIG, error);
    overrides.set(name, value);
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
    : cluster.createTopic(t.name, leaders === undefined ? { partitions } : { partitions, leaders }, overrides)
        .topicId;
  const layers = cluster.configLayers(ctx.broker.nodeId);
  return {
    name: t.name,
    topicId,
    errorCode: KafkaErrorCode.NONE,
    errorMessage: null,
    topicConfigErrorCode: KafkaErrorCode.NONE,
    numPartitions: partitions,
    replicationFactor,
    configs: [...TOPIC_CONFIGS]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((def) => {
        const d = describeTopicConfig(def, overrides, layers);
        return {
          name: d.name,
          value: d.value,
          readOnly: d.readOnly,
          configSource: d.configSource,
          isSensitive: d.isSensitive,
        };
      }),
  };
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
