/**
 * ConsumerGroupDescribe (KIP-848): a consumer group's epochs, assignor, and each member with its current
 * and target assignment, as Kafka's ConsumerGroup.asDescribedGroup reports them (docs/broker-rules.md §
 * "Consumer groups (KIP-848)").
 */
import type {
  ConsumerGroupDescribeRequest,
  ConsumerGroupDescribeResponse,
  ConsumerGroupDescribeResponseDescribedGroup,
} from '@idem/codec';
import { KafkaErrorCode } from '@idem/codec';
import { consumerStateOf } from './consumer-state.js';
import type { HandlerContext } from './context.js';
import { DEFAULT_ASSIGNOR } from './groups/assignors.js';
import type { Assignment } from './groups/consumer-group.js';
import { isCoordinator } from './groups/coordinator-node.js';
import { NO_AUTHORIZED_OPERATIONS } from './metadata.js';

/**
 * What Kafka without an authorizer reports a client may do to a group when asked (includeAuthorizedOperations):
 * READ, DELETE, DESCRIBE, DESCRIBE_CONFIGS and ALTER_CONFIGS, as bits of their AclOperation codes.
 */
const GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8) | (1 << 10) | (1 << 11);

/** ConsumerGroupDescribe v1's memberType of a member using the consumer protocol. */
const CONSUMER_MEMBER = 1;

export function handleConsumerGroupDescribe(
  ctx: HandlerContext,
  request: ConsumerGroupDescribeRequest,
): ConsumerGroupDescribeResponse {
  const state = consumerStateOf(ctx.cluster);
  const injected = ctx.plan.topLevelError?.errorCode;
  const blank = (groupId: string, errorCode: number, errorMessage: string | null = null) => ({
    errorCode,
    errorMessage,
    groupId,
    groupState: '',
    groupEpoch: 0,
    assignmentEpoch: 0,
    assignorName: '',
    members: [],
    authorizedOperations: NO_AUTHORIZED_OPERATIONS,
  });
  // Kafka answers the invalid (empty) ids first, then the others in request order.
  const invalid = request.groupIds
    .filter((id) => id === '')
    .map(() => blank('', KafkaErrorCode.INVALID_GROUP_ID));
  const described = request.groupIds
    .filter((id) => id !== '')
    .map((groupId): ConsumerGroupDescribeResponseDescribedGroup => {
      if (injected !== undefined) return blank(groupId, injected);
      if (!isCoordinator(ctx.cluster, groupId, ctx.broker.nodeId)) {
        return blank(groupId, KafkaErrorCode.NOT_COORDINATOR);
      }
      const group = state.consumerGroups.groups.get(groupId);
      if (group === undefined) {
        const message = state.coordinator.groups.has(groupId)
          ? `Group ${groupId} is not a consumer group.`
          : `Group ${groupId} not found.`;
        return blank(groupId, KafkaErrorCode.GROUP_ID_NOT_FOUND, message);
      }
      const named = (a: Assignment) => ({
        topicPartitions: [...a].flatMap(([topicId, partitions]) => {
          const topic = ctx.cluster.topicsById.get(topicId);
          return topic === undefined
            ? []
            : [{ topicId, topicName: topic.name, partitions: [...partitions].sort((x, y) => x - y) }];
        }),
      });
      return {
        ...blank(groupId, KafkaErrorCode.NONE),
        groupState: group.state,
        groupEpoch: group.groupEpoch,
        assignmentEpoch: group.assignmentEpoch,
        assignorName: group.preferredAssignor() ?? DEFAULT_ASSIGNOR,
        authorizedOperations: request.includeAuthorizedOperations
          ? GROUP_OPERATIONS
          : NO_AUTHORIZED_OPERATIONS,
        members: [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          instanceId: m.instanceId,
          rackId: m.rackId,
          memberEpoch: m.memberEpoch,
          clientId: m.clientId,
          clientHost: m.clientHost,
          subscribedTopicNames: [...m.subscribedTopicNames],
          subscribedTopicRegex: m.subscribedTopicRegex ?? '',
          assignment: named(m.assigned),
          targetAssignment: named(group.targetAssignment.get(m.memberId) ?? new Map()),
          memberType: CONSUMER_MEMBER,
        })),
      };
    });
  return { throttleTimeMs: 0, groups: [...invalid, ...described] };
}
