/**
 * JoinGroup, SyncGroup, Heartbeat and LeaveGroup: the request shapes of every version mapped onto
 * the group coordinator (groups/coordinator.ts). Only the group's coordinator answers them; other
 * brokers say NOT_COORDINATOR, as Kafka's do. JoinGroup and SyncGroup wait for the rest of the
 * group, so they answer later (a deferred response keeps the connection busy meanwhile, as Kafka
 * does while a request is pending).
 */
import type {
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from '@idem/codec';
import { KafkaErrorCode } from '@idem/codec';
import { consumerStateOf } from './consumer-state.js';
import type { HandlerContext } from './context.js';
import { isCoordinator } from './groups/coordinator-node.js';
import type { JoinResult, SyncResult } from './groups/group.js';

/** Kafka reports the member's address; every client of this broker is local. */
const CLIENT_HOST = '/127.0.0.1';

/** An error the request gets before the coordinator sees it: an injected fault, or "ask the coordinator". */
function preflight(ctx: HandlerContext, groupId: string): number | undefined {
  const injected = ctx.plan.topLevelError;
  if (injected !== undefined) return injected.errorCode;
  if (!isCoordinator(ctx.cluster, groupId, ctx.broker.nodeId)) return KafkaErrorCode.NOT_COORDINATOR;
  return undefined;
}

export function handleJoinGroup(
  ctx: HandlerContext,
  request: JoinGroupRequest,
  version: number,
): Promise<JoinGroupResponse> {
  const early = preflight(ctx, request.groupId);
  if (early !== undefined) {
    return Promise.resolve(
      joinResponse(
        {
          errorCode: early,
          generationId: -1,
          protocolType: null,
          protocolName: null,
          leader: '',
          memberId: request.memberId,
          members: [],
        },
        version,
      ),
    );
  }
  const state = consumerStateOf(ctx.cluster);
  const modern = state.consumerGroups.groups.get(request.groupId);
  if (modern !== undefined) {
    // A classic member may take over an empty consumer group (its offsets kept); joining a live one, which
    // Kafka allows by migrating the group, is not served here.
    if (modern.state !== 'Empty') {
      return Promise.resolve(
        joinResponse(
          {
            errorCode: KafkaErrorCode.INCONSISTENT_GROUP_PROTOCOL,
            generationId: -1,
            protocolType: null,
            protocolName: null,
            leader: '',
            memberId: request.memberId,
            members: [],
          },
          version,
        ),
      );
    }
    state.consumerGroups.groups.delete(request.groupId);
    const classic = state.coordinator.commitTarget(request.groupId);
    for (const [topic, byPartition] of modern.offsets) classic.offsets.set(topic, byPartition);
  }
  return new Promise((resolve) => {
    state.coordinator.join(
      {
        groupId: request.groupId,
        memberId: request.memberId,
        groupInstanceId: request.groupInstanceId,
        clientId: 'consumer',
        clientHost: CLIENT_HOST,
        sessionTimeoutMs: request.sessionTimeoutMs,
        rebalanceTimeoutMs: version === 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
        protocolType: request.protocolType,
        protocols: request.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
        requireKnownMemberId: version >= 4,
      },
      (result) => resolve(joinResponse(result, version)),
    );
  });
}

function joinResponse(result: JoinResult, version: number): JoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    generationId: result.generationId,
    protocolType: result.protocolType,
    // Nullable only from v7; before, Kafka sends "" when there is no protocol.
    protocolName: version >= 7 ? result.protocolName : (result.protocolName ?? ''),
    leader: result.leader,
    skipAssignment: false,
    memberId: result.memberId,
    members: result.members.map((m) => ({ ...m })),
  };
}

export function handleSyncGroup(ctx: HandlerContext, request: SyncGroupRequest): Promise<SyncGroupResponse> {
  const early = preflight(ctx, request.groupId);
  if (early !== undefined) {
    return Promise.resolve(
      syncResponse({ errorCode: early, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) }),
    );
  }
  return new Promise((resolve) => {
    consumerStateOf(ctx.cluster).coordinator.sync(
      {
        groupId: request.groupId,
        generationId: request.generationId,
        memberId: request.memberId,
        protocolType: request.protocolType,
        protocolName: request.protocolName,
        assignments: request.assignments.map((a) => ({ memberId: a.memberId, assignment: a.assignment })),
      },
      (result) => resolve(syncResponse(result)),
    );
  });
}

function syncResponse(result: SyncResult): SyncGroupResponse {
  return { throttleTimeMs: 0, ...result };
}

export function handleHeartbeat(ctx: HandlerContext, request: HeartbeatRequest): HeartbeatResponse {
  const errorCode =
    preflight(ctx, request.groupId) ??
    consumerStateOf(ctx.cluster).coordinator.heartbeat(
      request.groupId,
      request.memberId,
      request.generationId,
    );
  return { throttleTimeMs: 0, errorCode };
}

export function handleLeaveGroup(
  ctx: HandlerContext,
  request: LeaveGroupRequest,
  version: number,
): LeaveGroupResponse {
  const identities =
    version >= 3
      ? request.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
      : [{ memberId: request.memberId, groupInstanceId: null }];
  const early = preflight(ctx, request.groupId);
  if (early !== undefined) return { throttleTimeMs: 0, errorCode: early, members: [] };
  const codes = consumerStateOf(ctx.cluster).coordinator.leave(
    request.groupId,
    identities.map((m) => m.memberId),
  );
  return {
    throttleTimeMs: 0,
    // v0–2 carry one member, whose outcome is the top-level error.
    errorCode: version >= 3 ? KafkaErrorCode.NONE : codes[0]!,
    members: version >= 3 ? identities.map((m, i) => ({ ...m, errorCode: codes[i]! })) : [],
  };
}
