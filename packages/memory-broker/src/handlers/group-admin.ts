/**
 * DescribeGroups, ListGroups and DeleteGroups: what the coordinator knows of its groups, for admin clients.
 * Consumer groups (KIP-848) are listed with type and protocol type `consumer`; DescribeGroups, a classic
 * API, describes them as Kafka does: Dead, and from v6 GROUP_ID_NOT_FOUND ("not a classic group").
 */
import type {
  DeleteGroupsRequest,
  DeleteGroupsResponse,
  DescribeGroupsRequest,
  DescribeGroupsResponse,
  DescribeGroupsResponseDescribedGroup,
  ListGroupsRequest,
  ListGroupsResponse,
} from '@idem/codec';
import { KafkaErrorCode } from '@idem/codec';
import { consumerStateOf } from './consumer-state.js';
import type { HandlerContext } from './context.js';
import { isCoordinator } from './groups/coordinator-node.js';
import { NO_AUTHORIZED_OPERATIONS } from './metadata.js';

/** The classic rebalance protocol's groups, as KIP-848 names their type. */
const GROUP_TYPE = 'classic';
/** Consumer groups' type and protocol type. */
const CONSUMER_TYPE = 'consumer';

export function handleDescribeGroups(
  ctx: HandlerContext,
  request: DescribeGroupsRequest,
  version: number,
): DescribeGroupsResponse {
  const { coordinator } = consumerStateOf(ctx.cluster);
  const injected = ctx.plan.topLevelError?.errorCode;
  return {
    throttleTimeMs: 0,
    groups: request.groups.map((groupId): DescribeGroupsResponseDescribedGroup => {
      const described = {
        errorCode: KafkaErrorCode.NONE,
        errorMessage: null,
        groupId,
        groupState: '',
        protocolType: '',
        protocolData: '',
        members: [],
        authorizedOperations: NO_AUTHORIZED_OPERATIONS,
      };
      if (injected !== undefined) return { ...described, errorCode: injected };
      if (!isCoordinator(ctx.cluster, groupId, ctx.broker.nodeId)) {
        return { ...described, errorCode: KafkaErrorCode.NOT_COORDINATOR };
      }
      if (consumerStateOf(ctx.cluster).consumerGroups.groups.has(groupId)) {
        return version >= 6
          ? {
              ...described,
              groupState: 'Dead',
              errorCode: KafkaErrorCode.GROUP_ID_NOT_FOUND,
              errorMessage: `Group ${groupId} is not a classic group.`,
            }
          : { ...described, groupState: 'Dead' };
      }
      const group = coordinator.groups.get(groupId);
      if (group === undefined) {
        // v6 reports a missing group as an error; older versions describe it as Dead.
        return version >= 6
          ? {
              ...described,
              errorCode: KafkaErrorCode.GROUP_ID_NOT_FOUND,
              errorMessage: `Group ${groupId} not found.`,
            }
          : { ...described, groupState: 'Dead' };
      }
      return {
        ...described,
        groupState: group.state,
        protocolType: group.protocolType ?? '',
        protocolData: group.state === 'Stable' ? (group.protocolName ?? '') : '',
        members: [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: group.state === 'Stable' ? m.metadataFor(group.protocolName) : Buffer.alloc(0),
          memberAssignment: group.state === 'Stable' ? m.assignment : Buffer.alloc(0),
        })),
      };
    }),
  };
}

export function handleListGroups(ctx: HandlerContext, request: ListGroupsRequest): ListGroupsResponse {
  const injected = ctx.plan.topLevelError?.errorCode;
  if (injected !== undefined) return { throttleTimeMs: 0, errorCode: injected, groups: [] };
  const states = new Set(request.statesFilter.map((s) => s.toLowerCase()));
  const types = new Set(request.typesFilter.map((t) => t.toLowerCase()));
  const { coordinator, consumerGroups } = consumerStateOf(ctx.cluster);
  const all = [
    ...[...coordinator.groups.values()].map((g) => ({
      groupId: g.groupId,
      protocolType: g.protocolType ?? '',
      groupState: g.state as string,
      groupType: GROUP_TYPE,
    })),
    ...[...consumerGroups.groups.values()].map((g) => ({
      groupId: g.groupId,
      protocolType: CONSUMER_TYPE,
      groupState: g.state as string,
      groupType: CONSUMER_TYPE,
    })),
  ];
  const groups = all
    // Each broker lists the groups it coordinates, as Kafka's do.
    .filter((g) => isCoordinator(ctx.cluster, g.groupId, ctx.broker.nodeId))
    .filter((g) => states.size === 0 || states.has(g.groupState.toLowerCase()))
    .filter((g) => types.size === 0 || types.has(g.groupType));
  return { throttleTimeMs: 0, errorCode: KafkaErrorCode.NONE, groups };
}

/**
 * DeleteGroups: an empty classic group (members gone, or only committed offsets) is deleted with its
 * offsets; one with members is NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
 */
export function handleDeleteGroups(ctx: HandlerContext, request: DeleteGroupsRequest): DeleteGroupsResponse {
  const { coordinator, consumerGroups } = consumerStateOf(ctx.cluster);
  const injected = ctx.plan.topLevelError?.errorCode;
  return {
    throttleTimeMs: 0,
    results: request.groupsNames.map((groupId) => {
      const result = (errorCode: number) => ({ groupId, errorCode });
      if (injected !== undefined) return result(injected);
      if (!isCoordinator(ctx.cluster, groupId, ctx.broker.nodeId))
        return result(KafkaErrorCode.NOT_COORDINATOR);
      const modern = consumerGroups.groups.get(groupId);
      if (modern !== undefined) {
        if (modern.state !== 'Empty') return result(KafkaErrorCode.NON_EMPTY_GROUP);
        consumerGroups.groups.delete(groupId);
        ctx.cluster.events.record({ kind: 'group-deleted', detail: groupId });
        return result(KafkaErrorCode.NONE);
      }
      const group = coordinator.groups.get(groupId);
      if (group === undefined || group.state === 'Dead') return result(KafkaErrorCode.GROUP_ID_NOT_FOUND);
      if (group.state !== 'Empty') return result(KafkaErrorCode.NON_EMPTY_GROUP);
      coordinator.groups.delete(groupId);
      ctx.cluster.events.record({ kind: 'group-deleted', detail: groupId });
      return result(KafkaErrorCode.NONE);
    }),
  };
}
