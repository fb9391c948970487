/**
 * DescribeCluster and DescribeTopicPartitions (Kafka's KafkaApis.handleDescribeCluster and
 * DescribeTopicPartitionsRequestHandler), answered from the same view of the cluster as Metadata.
 */
import type {
  DescribeClusterRequest,
  DescribeClusterResponse,
  DescribeTopicPartitionsRequest,
  DescribeTopicPartitionsResponse,
  DescribeTopicPartitionsResponsePartition,
  DescribeTopicPartitionsResponseTopic,
} from '@idem/codec';
import { KafkaErrorCode } from '@idem/codec';
import type { HandlerContext } from './context.js';
import { currentImage, NO_AUTHORIZED_OPERATIONS, ZERO_UUID } from './metadata.js';

/** DescribeClusterRequest endpoint types. */
const BROKERS = 1;
/** Kafka's max.request.partition.size.limit default: the most partitions one answer lists. */
const PARTITION_LIMIT = 2000;

export function handleDescribeCluster(
  ctx: HandlerContext,
  request: DescribeClusterRequest,
  version: number,
): DescribeClusterResponse {
  const { cluster } = ctx;
  const injected = ctx.plan.topLevelError?.errorCode;
  const base = {
    throttleTimeMs: 0,
    errorMessage: null,
    endpointType: request.endpointType,
    clusterId: cluster.clusterId,
    clusterAuthorizedOperations: NO_AUTHORIZED_OPERATIONS,
  };
  if (injected !== undefined) return { ...base, errorCode: injected, controllerId: -1, brokers: [] };
  if (request.endpointType !== BROKERS) {
    return {
      ...base,
      errorCode: KafkaErrorCode.MISMATCHED_ENDPOINT_TYPE,
      errorMessage: `The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type ${request.endpointType === 2 ? 'CONTROLLER' : 'UNKNOWN'}`,
      controllerId: -1,
      brokers: [],
    };
  }
  const view = currentImage(cluster, ctx.now);
  const fenced = (nodeId: number) => cluster.broker(nodeId)?.registered === false;
  const brokers = cluster.brokers
    .filter((b) => b.up || b.registered || (version >= 2 && request.includeFencedBrokers))
    .map((b) => ({
      brokerId: b.nodeId,
      host: b.host,
      port: b.port,
      rack: b.rack,
      isFenced: fenced(b.nodeId),
    }));
  return {
    ...base,
    errorCode: KafkaErrorCode.NONE,
    controllerId: view.controllerId,
    brokers,
    // Kafka answers -2147483648 unless asked; asked, it lists what the principal may do (everything here).
    clusterAuthorizedOperations: request.includeClusterAuthorizedOperations
      ? CLUSTER_OPERATIONS
      : NO_AUTHORIZED_OPERATIONS,
  };
}

/**
 * What an unrestricted principal may do, as bits of AclOperation codes: on the cluster CREATE, ALTER, DESCRIBE,
 * CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE; on a topic READ, WRITE, CREATE, DELETE, ALTER,
 * DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS. DescribeTopicPartitions always reports the topic's.
 */
const CLUSTER_OPERATIONS = [5, 7, 8, 9, 10, 11, 12].reduce((bits, op) => bits | (1 << op), 0);
const TOPIC_OPERATIONS = [3, 4, 5, 6, 7, 8, 10, 11].reduce((bits, op) => bits | (1 << op), 0);

export function handleDescribeTopicPartitions(
  ctx: HandlerContext,
  request: DescribeTopicPartitionsRequest,
): DescribeTopicPartitionsResponse {
  const injected = ctx.plan.topLevelError?.errorCode;
  const view = currentImage(ctx.cluster, ctx.now);
  const all = request.topics.length === 0;
  const names = (all ? [...view.topics.keys()] : [...new Set(request.topics.map((t) => t.name))]).sort();
  const cursor = request.cursor;
  const start = cursor === null ? 0 : names.findIndex((n) => n >= cursor.topicName);
  let budget = Math.min(Math.max(request.responsePartitionLimit, 1), PARTITION_LIMIT);
  const topics: DescribeTopicPartitionsResponseTopic[] = [];
  let nextCursor: { topicName: string; partitionIndex: number } | null = null;
  for (const name of start < 0 ? [] : names.slice(start)) {
    const topic = view.topics.get(name);
    if (topic === undefined || injected !== undefined) {
      topics.push({
        errorCode: injected ?? KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        name,
        topicId: ZERO_UUID,
        isInternal: false,
        partitions: [],
        topicAuthorizedOperations: TOPIC_OPERATIONS,
      });
      continue;
    }
    const from = cursor !== null && name === cursor.topicName ? Math.max(cursor.partitionIndex, 0) : 0;
    const partitions: DescribeTopicPartitionsResponsePartition[] = [];
    for (const p of topic.partitions.slice(from)) {
      if (budget === 0) {
        nextCursor = { topicName: name, partitionIndex: p.partitionIndex };
        break;
      }
      budget--;
      partitions.push({
        errorCode: p.errorCode,
        partitionIndex: p.partitionIndex,
        leaderId: p.leaderId,
        leaderEpoch: p.leaderEpoch,
        replicaNodes: p.replicaNodes,
        isrNodes: p.isrNodes,
        eligibleLeaderReplicas: [],
        lastKnownElr: [],
        offlineReplicas: p.offlineReplicas,
      });
    }
    topics.push({
      errorCode: KafkaErrorCode.NONE,
      name,
      topicId: topic.topicId,
      isInternal: false,
      partitions,
      topicAuthorizedOperations: TOPIC_OPERATIONS,
    });
    if (nextCursor !== null) break;
  }
  return { throttleTimeMs: 0, topics, nextCursor };
}
