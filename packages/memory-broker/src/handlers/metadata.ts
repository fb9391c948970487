/**
 * Metadata, answered in the v12 shape (every field filled; older versions drop what they lack when
 * encoded). Unknown topics are auto-created when both the cluster and the request allow it, and
 * that first answer says LEADER_NOT_AVAILABLE with no partitions, as a real broker does while the
 * topic is being created.
 */
import type {
  MetadataRequest,
  MetadataResponse,
  MetadataResponsePartition,
  MetadataResponseTopic,
} from '@idem/codec';
import { KafkaErrorCode } from '@idem/codec';
import type { Topic } from '../cluster/topic.js';
import { validateTopicName } from '../cluster/topic-name.js';
import type { HandlerContext } from './context.js';

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
/** Kafka's "authorized operations not requested" value. */
export const NO_AUTHORIZED_OPERATIONS = -2147483648;

export function handleMetadata(ctx: HandlerContext, request: MetadataRequest): MetadataResponse {
  const { cluster } = ctx;
  const live = cluster.brokers.filter((b) => b.up);
  const brokers = live.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack }));
  const injected = ctx.plan.topLevelError;
  if (injected !== undefined) {
    cluster.events.record({
      kind: 'error-injected',
      nodeId: ctx.broker.nodeId,
      connectionId: ctx.connectionId,
      api: 'Metadata',
      errorCode: injected.errorCode,
      detail: injected.source,
    });
  }

  let topics: MetadataResponseTopic[];
  if (request.topics === null) {
    topics = [...cluster.topics.values()].map((t) => describeTopic(ctx, t));
  } else {
    topics = request.topics.map((wanted) => {
      const byId = wanted.name === null ? cluster.topicsById.get(wanted.topicId) : undefined;
      const name = wanted.name ?? byId?.name ?? null;
      if (name === null) return topicError(KafkaErrorCode.UNKNOWN_TOPIC_ID, null, wanted.topicId);
      const existing = cluster.topic(name);
      if (existing !== undefined) return describeTopic(ctx, existing);
      if (validateTopicName(name) !== null)
        return topicError(KafkaErrorCode.INVALID_TOPIC_EXCEPTION, name, ZERO_UUID);
      if (cluster.autoCreateTopics && request.allowAutoTopicCreation) {
        cluster.createTopic(name);
        return topicError(KafkaErrorCode.LEADER_NOT_AVAILABLE, name, ZERO_UUID);
      }
      return topicError(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, ZERO_UUID);
    });
  }
  if (injected !== undefined) {
    topics = topics.map((t) => ({ ...t, errorCode: injected.errorCode, partitions: [] }));
  }

  return {
    throttleTimeMs: 0,
    brokers,
    clusterId: cluster.clusterId,
    // KRaft brokers report a live broker here, not the real controller.
    controllerId: live[0]?.nodeId ?? -1,
    topics,
    clusterAuthorizedOperations: NO_AUTHORIZED_OPERATIONS,
    errorCode: KafkaErrorCode.NONE,
  };
}

function describeTopic(ctx: HandlerContext, topic: Topic): MetadataResponseTopic {
  const { cluster } = ctx;
  const nodeIds = cluster.nodeIds;
  const partitions = topic.partitions.map((p): MetadataResponsePartition => {
    const leader = cluster.liveLeader(p);
    // Every broker holds a replica (replication is implicit: a leader move keeps the state).
    const replicaNodes = [p.leaderId, ...nodeIds.filter((id) => id !== p.leaderId)];
    const isrNodes = replicaNodes.filter((id) => cluster.broker(id)?.up === true);
    const offlineReplicas = replicaNodes.filter((id) => cluster.broker(id)?.up !== true);
    return {
      errorCode: leader === undefined ? KafkaErrorCode.LEADER_NOT_AVAILABLE : KafkaErrorCode.NONE,
      partitionIndex: p.index,
      leaderId: leader === undefined ? -1 : leader.nodeId,
      leaderEpoch: p.leaderEpoch,
      replicaNodes,
      isrNodes,
      offlineReplicas,
    };
  });
  return {
    errorCode: KafkaErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: false,
    partitions,
    topicAuthorizedOperations: NO_AUTHORIZED_OPERATIONS,
  };
}

function topicError(errorCode: number, name: string | null, topicId: string): MetadataResponseTopic {
  return {
    errorCode,
    name,
    topicId,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: NO_AUTHORIZED_OPERATIONS,
  };
}
