/**
 * Metadata, answered in the v12 shape (every field filled; older versions drop what they lack when
 * encoded). Unknown topics are auto-created when both the cluster and the request allow it, and
 * that first answer says LEADER_NOT_AVAILABLE with no partitions, as a real broker does while the
 * topic is being created. A broker with a stale image (cluster/stale-metadata.ts) answers from it.
 */
import type {
  MetadataRequest,
  MetadataResponse,
  MetadataResponsePartition,
  MetadataResponseTopic,
} from '@idem/codec';
import { KafkaErrorCode } from '@idem/codec';
import type { ClusterModel } from '../cluster/model.js';
import type { StaleMetadataImage } from '../cluster/stale-metadata.js';
import type { Topic } from '../cluster/topic.js';
import { validateTopicName } from '../cluster/topic-name.js';
import type { HandlerContext } from './context.js';

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
/** Kafka's "authorized operations not requested" value. */
export const NO_AUTHORIZED_OPERATIONS = -2147483648;

export function handleMetadata(ctx: HandlerContext, request: MetadataRequest): MetadataResponse {
  const { cluster } = ctx;
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
  const stale = ctx.broker.staleImage;
  if (stale !== null && ctx.now >= stale.until) ctx.broker.staleImage = null;
  const view = stale !== null && ctx.now < stale.until ? stale : currentImage(cluster, ctx.now);

  let topics: MetadataResponseTopic[];
  if (request.topics === null) {
    topics = [...view.topics.values()];
  } else {
    topics = request.topics.map((wanted) => {
      const byId =
        wanted.name === null
          ? [...view.topics.values()].find((t) => t.topicId === wanted.topicId)
          : undefined;
      const name = wanted.name ?? byId?.name ?? null;
      if (name === null) return topicError(KafkaErrorCode.UNKNOWN_TOPIC_ID, null, wanted.topicId);
      const existing = view.topics.get(name);
      if (existing !== undefined) return existing;
      if (validateTopicName(name) !== null)
        return topicError(KafkaErrorCode.INVALID_TOPIC_EXCEPTION, name, ZERO_UUID);
      if (view === stale) return topicError(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, ZERO_UUID);
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
    brokers: view.brokers,
    clusterId: cluster.clusterId,
    controllerId: view.controllerId,
    topics,
    clusterAuthorizedOperations: NO_AUTHORIZED_OPERATIONS,
    errorCode: KafkaErrorCode.NONE,
  };
}

/**
 * The cluster as the controller sees it now: registered brokers (a dead one stays until it is fenced), and for
 * each partition the leader it announces. `until` is unused for the live view.
 */
export function currentImage(cluster: ClusterModel, now: number, until = -1): StaleMetadataImage {
  const registered = cluster.brokers.filter((b) => b.up || b.registered);
  const topics = new Map<string, MetadataResponseTopic>();
  for (const topic of cluster.topics.values()) topics.set(topic.name, describeTopic(cluster, topic));
  return {
    until,
    takenAt: now,
    brokers: registered.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
    // KRaft brokers report a live broker here, not the real controller.
    controllerId: cluster.brokers.find((b) => b.up)?.nodeId ?? -1,
    topics,
  };
}

function describeTopic(cluster: ClusterModel, topic: Topic): MetadataResponseTopic {
  const nodeIds = cluster.nodeIds;
  const partitions = topic.partitions.map((p): MetadataResponsePartition => {
    const leader = cluster.announcedLeader(p);
    // Every broker holds a replica (replication is implicit: a leader move keeps the state).
    const replicaNodes = [p.leaderId, ...nodeIds.filter((id) => id !== p.leaderId)];
    const inSync = (id: number) => {
      const broker = cluster.broker(id);
      return broker !== undefined && (broker.up || broker.registered);
    };
    return {
      errorCode: leader === undefined ? KafkaErrorCode.LEADER_NOT_AVAILABLE : KafkaErrorCode.NONE,
      partitionIndex: p.index,
      leaderId: leader === undefined ? -1 : leader.nodeId,
      leaderEpoch: p.leaderEpoch,
      replicaNodes,
      isrNodes: replicaNodes.filter(inSync),
      offlineReplicas: replicaNodes.filter((id) => !inSync(id)),
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
