/**
 * ConsumerGroupHeartbeat (KIP-848): the request mapped onto the consumer group coordinator
 * (groups/consumer-coordinator.ts). Only the group's coordinator answers; other brokers say
 * NOT_COORDINATOR, as Kafka's do (docs/broker-rules.md §"Consumer groups (KIP-848)").
 */
import type { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from '@idem/codec';
import { KafkaErrorCode } from '@idem/codec';
import { consumerStateOf } from './consumer-state.js';
import type { HandlerContext } from './context.js';
import type { Assignment } from './groups/consumer-group.js';
import { isCoordinator } from './groups/coordinator-node.js';

/** Kafka reports the member's address; every client of this broker is local. */
const CLIENT_HOST = '/127.0.0.1';

export function handleConsumerGroupHeartbeat(
  ctx: HandlerContext,
  request: ConsumerGroupHeartbeatRequest,
  version: number,
): ConsumerGroupHeartbeatResponse {
  // An empty group id has no coordinator: the coordinator's own validation refuses it (INVALID_REQUEST).
  const routable =
    request.groupId.trim() === '' || isCoordinator(ctx.cluster, request.groupId, ctx.broker.nodeId);
  const early = ctx.plan.topLevelError?.errorCode ?? (routable ? undefined : KafkaErrorCode.NOT_COORDINATOR);
  if (early !== undefined) {
    return {
      throttleTimeMs: 0,
      errorCode: early,
      errorMessage: null,
      memberId: null,
      memberEpoch: 0,
      heartbeatIntervalMs: 0,
      assignment: null,
    };
  }
  const result = consumerStateOf(ctx.cluster).consumerGroups.heartbeat({
    groupId: request.groupId,
    memberId: request.memberId,
    memberEpoch: request.memberEpoch,
    instanceId: request.instanceId,
    rackId: request.rackId,
    rebalanceTimeoutMs: request.rebalanceTimeoutMs,
    subscribedTopicNames: request.subscribedTopicNames,
    subscribedTopicRegex: request.subscribedTopicRegex,
    serverAssignor: request.serverAssignor,
    topicPartitions: request.topicPartitions,
    clientId: ctx.clientId ?? '',
    clientHost: CLIENT_HOST,
    version,
  });
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    errorMessage: result.errorMessage,
    memberId: result.memberId,
    memberEpoch: result.memberEpoch,
    heartbeatIntervalMs: result.heartbeatIntervalMs,
    assignment: result.assignment === null ? null : { topicPartitions: wireAssignment(result.assignment) },
  };
}

/** An assignment as the protocol lists it: by topic id, partitions ascending. */
export function wireAssignment(assignment: Assignment): { topicId: string; partitions: number[] }[] {
  return [...assignment].map(([topicId, partitions]) => ({
    topicId,
    partitions: [...partitions].sort((a, b) => a - b),
  }));
}
