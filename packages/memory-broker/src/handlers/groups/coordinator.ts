/**
 * A classic group coordinator (Kafka's GroupCoordinator, eager rebalance protocol): members join,
 * the coordinator waits until every known member has rejoined (or the rebalance timeout passes),
 * starts a new generation, picks a protocol and a leader, hands the leader every member's
 * metadata, and then distributes the assignment the leader sends in SyncGroup. Protocol metadata
 * and assignments are opaque bytes, so the range, roundrobin and cooperative-sticky assignors of
 * any client pass through untouched. Members that stop heartbeating expire after their session
 * timeout, measured on the cluster's clock.
 *
 * Differences from Kafka, chosen for a test broker: group.initial.rebalance.delay.ms is 0 (Kafka's
 * default is 3 s, its own tests use 0), static membership (group.instance.id) is accepted but not
 * given its own fencing rules, and members that never send SyncGroup are not expired separately.
 */
import { KafkaErrorCode } from '@idem/codec';
import type { Clock } from '../../clock.js';
import { randomUuid } from '../../cluster/topic.js';
import {
  type CommittedOffset,
  Group,
  type GroupProtocol,
  type JoinResult,
  Member,
  type SyncResult,
} from './group.js';

/** Kafka's group.min.session.timeout.ms and group.max.session.timeout.ms defaults. */
export const MIN_SESSION_TIMEOUT_MS = 6_000;
export const MAX_SESSION_TIMEOUT_MS = 1_800_000;
/** Kafka's offset.metadata.max.bytes default. */
export const MAX_OFFSET_METADATA_LENGTH = 4096;

export interface JoinRequest {
  readonly groupId: string;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly sessionTimeoutMs: number;
  /** v0 has none: Kafka uses the session timeout. */
  readonly rebalanceTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly GroupProtocol[];
  /** JoinGroup v4+ (KIP-394): a member without an id is first given one and asked to rejoin with it. */
  readonly requireKnownMemberId: boolean;
}

export interface SyncRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignments: readonly { memberId: string; assignment: Buffer }[];
}

export class GroupCoordinator {
  readonly groups = new Map<string, Group>();

  constructor(
    private readonly clock: Clock,
    private readonly random: () => number,
  ) {}

  // ---- membership ----

  /** Answers now or, when the member has to wait for the rest of the group, later. */
  join(request: JoinRequest, respond: (result: JoinResult) => void): void {
    const now = this.joinNow(request, respond);
    if (now !== undefined) respond(now);
  }

  /** The immediate answer to a JoinGroup, or undefined when `respond` was kept to answer later. */
  private joinNow(request: JoinRequest, respond: (result: JoinResult) => void): JoinResult | undefined {
    const fail = (errorCode: number, memberId = request.memberId) => joinError(errorCode, memberId);
    if (request.groupId === '') return fail(KafkaErrorCode.INVALID_GROUP_ID);
    if (
      request.sessionTimeoutMs < MIN_SESSION_TIMEOUT_MS ||
      request.sessionTimeoutMs > MAX_SESSION_TIMEOUT_MS
    ) {
      return fail(KafkaErrorCode.INVALID_SESSION_TIMEOUT);
    }
    const existing = this.groups.get(request.groupId);
    if (request.memberId === '') {
      const group = existing ?? this.addGroup(request.groupId);
      if (!group.supportsProtocols(request.protocolType, request.protocols)) {
        return fail(KafkaErrorCode.INCONSISTENT_GROUP_PROTOCOL);
      }
      const memberId = `${request.clientId}-${randomUuid(this.random)}`;
      if (request.requireKnownMemberId && request.groupInstanceId === null) {
        // KIP-394: remember the id; the member must come back with it within its session timeout.
        group.pendingMembers.set(
          memberId,
          this.clock.setTimeout(() => this.expirePending(group, memberId), request.sessionTimeoutMs),
        );
        return fail(KafkaErrorCode.MEMBER_ID_REQUIRED, memberId);
      }
      this.addMemberAndRebalance(group, memberId, request, respond);
      return undefined;
    }

    const group = existing;
    if (group === undefined) return fail(KafkaErrorCode.UNKNOWN_MEMBER_ID);
    const pending = group.pendingMembers.get(request.memberId);
    if (pending !== undefined) {
      this.clock.clearTimeout(pending);
      group.pendingMembers.delete(request.memberId);
      if (!group.supportsProtocols(request.protocolType, request.protocols)) {
        return fail(KafkaErrorCode.INCONSISTENT_GROUP_PROTOCOL);
      }
      this.addMemberAndRebalance(group, request.memberId, request, respond);
      return undefined;
    }
    const member = group.members.get(request.memberId);
    if (member === undefined) return fail(KafkaErrorCode.UNKNOWN_MEMBER_ID);
    if (!group.supportsProtocols(request.protocolType, request.protocols)) {
      return fail(KafkaErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    this.armSession(group, member);
    const unchanged = member.matches(request.protocols);
    const isLeader = group.leaderId === member.memberId;
    // A rejoin after a lost JoinGroup response: answer with the generation already formed.
    if (group.state === 'CompletingRebalance' && unchanged) return this.joinResult(group, member);
    if (group.state === 'Stable' && unchanged && !isLeader) return this.joinResult(group, member);
    // Anything else starts (or joins) a rebalance: a changed subscription, or the leader rejoining.
    member.protocols = request.protocols;
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    member.sessionTimeoutMs = request.sessionTimeoutMs;
    member.awaitingJoin?.(joinError(KafkaErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.awaitingJoin = respond;
    this.maybePrepareRebalance(group);
    this.tryCompleteJoin(group);
    return undefined;
  }

  /** Answers now or, for members waiting on the leader's assignment, later. */
  sync(request: SyncRequest, respond: (result: SyncResult) => void): void {
    const now = this.syncNow(request, respond);
    if (now !== undefined) respond(now);
  }

  private syncNow(request: SyncRequest, respond: (result: SyncResult) => void): SyncResult | undefined {
    const group = this.groups.get(request.groupId);
    const member = group?.members.get(request.memberId);
    if (group === undefined || member === undefined) return syncError(KafkaErrorCode.UNKNOWN_MEMBER_ID);
    if (request.generationId !== group.generationId) return syncError(KafkaErrorCode.ILLEGAL_GENERATION);
    if (
      (request.protocolType !== null && request.protocolType !== group.protocolType) ||
      (request.protocolName !== null && request.protocolName !== group.protocolName)
    ) {
      return syncError(KafkaErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    this.armSession(group, member);
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return syncError(KafkaErrorCode.UNKNOWN_MEMBER_ID);
      case 'PreparingRebalance':
        return syncError(KafkaErrorCode.REBALANCE_IN_PROGRESS);
      case 'Stable':
        return this.syncResult(group, member);
      case 'CompletingRebalance':
        member.awaitingSync = respond;
        if (group.leaderId === member.memberId) this.distributeAssignment(group, request.assignments);
        return undefined;
    }
  }

  /** The leader's SyncGroup: every member gets its part (none named: empty) and the group is stable. */
  private distributeAssignment(
    group: Group,
    assignments: readonly { memberId: string; assignment: Buffer }[],
  ): void {
    const given = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    for (const m of group.members.values()) m.assignment = Buffer.from(given.get(m.memberId) ?? []);
    group.state = 'Stable';
    for (const m of group.members.values()) {
      const waiting = m.awaitingSync;
      if (waiting === null) continue;
      m.awaitingSync = null;
      waiting(this.syncResult(group, m));
    }
  }

  heartbeat(groupId: string, memberId: string, generationId: number): number {
    const group = this.groups.get(groupId);
    if (group === undefined) return KafkaErrorCode.UNKNOWN_MEMBER_ID;
    if (group.state === 'Dead') return KafkaErrorCode.COORDINATOR_NOT_AVAILABLE;
    const member = group.members.get(memberId);
    if (member === undefined) return KafkaErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return KafkaErrorCode.ILLEGAL_GENERATION;
    this.armSession(group, member);
    return group.state === 'PreparingRebalance' ? KafkaErrorCode.REBALANCE_IN_PROGRESS : KafkaErrorCode.NONE;
  }

  /** Removes members that leave on purpose; returns an error code per member, in request order. */
  leave(groupId: string, memberIds: readonly string[]): number[] {
    const group = this.groups.get(groupId);
    return memberIds.map((memberId) => {
      const member = group?.members.get(memberId);
      if (group === undefined || member === undefined) return KafkaErrorCode.UNKNOWN_MEMBER_ID;
      this.removeMemberAndUpdate(group, member);
      return KafkaErrorCode.NONE;
    });
  }

  // ---- offsets ----

  /** Kafka's checks before an offset commit; NONE means the commit may be stored. */
  validateCommit(groupId: string, memberId: string, generationId: number): number {
    const group = this.groups.get(groupId);
    if (group === undefined) {
      // A consumer that manages its own partitions (no generation) may commit to a new group.
      return generationId < 0 ? KafkaErrorCode.NONE : KafkaErrorCode.ILLEGAL_GENERATION;
    }
    if (group.state === 'Dead') return KafkaErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && group.state === 'Empty') return KafkaErrorCode.NONE;
    if (group.state === 'CompletingRebalance') return KafkaErrorCode.REBALANCE_IN_PROGRESS;
    const member = group.members.get(memberId);
    if (member === undefined) return KafkaErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return KafkaErrorCode.ILLEGAL_GENERATION;
    this.armSession(group, member);
    return KafkaErrorCode.NONE;
  }

  /** The group a commit to `groupId` is stored in (created empty, as Kafka creates one on a first commit). */
  commitTarget(groupId: string): Group {
    return this.groups.get(groupId) ?? this.addGroup(groupId);
  }

  commit(groupId: string, topic: string, partition: number, committed: CommittedOffset): void {
    const group = this.commitTarget(groupId);
    let byPartition = group.offsets.get(topic);
    if (byPartition === undefined) {
      byPartition = new Map();
      group.offsets.set(topic, byPartition);
    }
    byPartition.set(partition, committed);
  }

  committed(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(groupId)?.offsets.get(topic)?.get(partition);
  }

  /** Every committed offset of a group, by topic (OffsetFetch with topics = null). */
  allCommitted(groupId: string): ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>> {
    return this.groups.get(groupId)?.offsets ?? new Map();
  }

  // ---- the rebalance ----

  private addGroup(groupId: string): Group {
    const group = new Group(groupId);
    this.groups.set(groupId, group);
    return group;
  }

  private addMemberAndRebalance(
    group: Group,
    memberId: string,
    request: JoinRequest,
    respond: (result: JoinResult) => void,
  ): void {
    const member = new Member(
      memberId,
      request.groupInstanceId,
      request.clientId,
      request.clientHost,
      request.rebalanceTimeoutMs,
      request.sessionTimeoutMs,
      request.protocols,
    );
    if (group.isEmpty) group.protocolType = request.protocolType;
    group.members.set(memberId, member);
    group.leaderId ??= memberId;
    member.awaitingJoin = respond;
    this.armSession(group, member);
    this.maybePrepareRebalance(group);
    this.tryCompleteJoin(group);
  }

  private maybePrepareRebalance(group: Group): void {
    if (group.state !== 'Stable' && group.state !== 'CompletingRebalance' && group.state !== 'Empty') return;
    if (group.state === 'CompletingRebalance') {
      // The assignment being formed is void: members waiting in SyncGroup must rejoin.
      for (const member of group.members.values()) {
        member.assignment = Buffer.alloc(0);
        const waiting = member.awaitingSync;
        member.awaitingSync = null;
        waiting?.(syncError(KafkaErrorCode.REBALANCE_IN_PROGRESS));
      }
    }
    group.state = 'PreparingRebalance';
    this.clock.clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = this.clock.setTimeout(() => this.completeJoin(group), group.rebalanceTimeoutMs());
  }

  private tryCompleteJoin(group: Group): void {
    if (group.state === 'PreparingRebalance' && group.allMembersJoined()) this.completeJoin(group);
  }

  /** Ends the join phase: stragglers are dropped and a new generation starts. */
  private completeJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    this.clock.clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = undefined;
    for (const [memberId, timer] of group.pendingMembers) {
      this.clock.clearTimeout(timer);
      group.pendingMembers.delete(memberId);
    }
    for (const member of [...group.members.values()]) {
      if (member.awaitingJoin === null) this.removeMember(group, member);
    }
    group.generationId++;
    if (group.isEmpty) {
      group.protocolName = null;
      group.state = 'Empty';
      return;
    }
    group.protocolName = group.selectProtocol();
    group.state = 'CompletingRebalance';
    for (const member of group.members.values()) {
      const waiting = member.awaitingJoin!;
      member.awaitingJoin = null;
      this.armSession(group, member);
      waiting(this.joinResult(group, member));
    }
  }

  private removeMemberAndUpdate(group: Group, member: Member): void {
    this.removeMember(group, member);
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') this.maybePrepareRebalance(group);
    this.tryCompleteJoin(group);
  }

  private removeMember(group: Group, member: Member): void {
    this.clock.clearTimeout(member.sessionTimer);
    group.members.delete(member.memberId);
    if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null;
    const joining = member.awaitingJoin;
    const syncing = member.awaitingSync;
    member.awaitingJoin = null;
    member.awaitingSync = null;
    joining?.(joinError(KafkaErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    syncing?.(syncError(KafkaErrorCode.UNKNOWN_MEMBER_ID));
  }

  /** (Re)starts the member's session: without a heartbeat (or join, sync, commit) in time, it is removed. */
  private armSession(group: Group, member: Member): void {
    this.clock.clearTimeout(member.sessionTimer);
    member.sessionTimer = this.clock.setTimeout(() => {
      member.sessionTimer = undefined;
      if (group.members.get(member.memberId) !== member) return;
      // A member blocked in JoinGroup or SyncGroup is waiting on the coordinator, not dead.
      const waiting =
        (member.awaitingJoin !== null && group.state === 'PreparingRebalance') ||
        (member.awaitingSync !== null && group.state === 'CompletingRebalance');
      if (waiting) this.armSession(group, member);
      else this.removeMemberAndUpdate(group, member);
    }, member.sessionTimeoutMs);
  }

  private expirePending(group: Group, memberId: string): void {
    if (!group.pendingMembers.delete(memberId)) return;
    this.tryCompleteJoin(group);
  }

  private joinResult(group: Group, member: Member): JoinResult {
    const isLeader = group.leaderId === member.memberId;
    return {
      errorCode: KafkaErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: m.metadataFor(group.protocolName),
          }))
        : [],
    };
  }

  private syncResult(group: Group, member: Member): SyncResult {
    return {
      errorCode: KafkaErrorCode.NONE,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      assignment: member.assignment,
    };
  }
}

function joinError(errorCode: number, memberId: string): JoinResult {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    memberId,
    members: [],
  };
}

function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}
