/**
 * The consumer group coordinator of KIP-848 (Kafka's GroupMetadataManager.consumerGroupHeartbeat): a
 * member joins with epoch 0 and its subscription, the group epoch is bumped when membership or the
 * subscribed topics change, a new target assignment is computed server side for the group epoch, and
 * each member is reconciled towards its target (reconcile.ts) heartbeat by heartbeat. Members leave with
 * epoch -1, or are fenced when their session (45 s) or, while revoking, their rebalance timeout passes on
 * the cluster's clock. See docs/broker-rules.md §"Consumer groups (KIP-848)", for what is served and how
 * it differs from Kafka.
 */
import { KafkaErrorCode } from '@idem/codec';
import type { Clock } from '../../clock.js';
import type { ClusterModel } from '../../cluster/model.js';
import { ASSIGNORS, type AssignorTopic, DEFAULT_ASSIGNOR } from './assignors.js';
import { ConsumerGroupError, FencedMemberEpoch, invalidRequest } from './consumer-errors.js';
import {
  type Assignment,
  ConsumerGroup,
  ConsumerMember,
  compileRegex,
  memberTopics,
  sameAssignment,
} from './consumer-group.js';
import { type OwnedPartitions, reconcile } from './reconcile.js';
import { existingStatic, joinStatic, STATIC_LEAVE_EPOCH } from './static-members.js';

/** Kafka's group.consumer.heartbeat.interval.ms and group.consumer.session.timeout.ms defaults. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
export const SESSION_TIMEOUT_MS = 45_000;
/**
 * Kafka 4.3.0 computes a new target assignment at most this often per group (observed: a second member
 * joining within a second of the first assignment gets its partitions on a heartbeat a second later).
 */
export const MIN_ASSIGNMENT_INTERVAL_MS = 1_000;

const LEAVE_EPOCH = -1;

/** A ConsumerGroupHeartbeat as the coordinator takes it. */
export interface ConsumerHeartbeat {
  readonly groupId: string;
  readonly memberId: string;
  readonly memberEpoch: number;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly rebalanceTimeoutMs: number;
  readonly subscribedTopicNames: readonly string[] | null;
  readonly subscribedTopicRegex: string | null;
  readonly serverAssignor: string | null;
  readonly topicPartitions: OwnedPartitions;
  readonly clientId: string;
  readonly clientHost: string;
  /** v0 lets the coordinator make up the member id; v1 requires the client's. */
  readonly version: number;
}

/** Its answer (errors: memberId null, epoch 0, as Kafka's). */
export interface ConsumerHeartbeatResult {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly memberId: string | null;
  readonly memberEpoch: number;
  readonly heartbeatIntervalMs: number;
  readonly assignment: Assignment | null;
}

export class ConsumerGroupCoordinator {
  readonly groups = new Map<string, ConsumerGroup>();
  /** When each group last had a target assignment computed. */
  private readonly assignedAt = new Map<ConsumerGroup, number>();

  constructor(
    private readonly model: ClusterModel,
    private readonly clock: Clock,
    private readonly newMemberId: () => string,
    /** An empty classic group of that id gives way to the consumer group; its offsets are handed over. */
    private readonly takeEmptyClassic: (groupId: string) => ConsumerGroup['offsets'] | 'busy' | undefined,
  ) {}

  heartbeat(request: ConsumerHeartbeat): ConsumerHeartbeatResult {
    try {
      validate(request);
      if (request.memberEpoch === LEAVE_EPOCH || request.memberEpoch === STATIC_LEAVE_EPOCH) {
        return this.leave(request);
      }
      return this.beat(request);
    } catch (error) {
      if (!(error instanceof ConsumerGroupError)) throw error;
      return {
        errorCode: error.errorCode,
        errorMessage: error.message,
        memberId: null,
        memberEpoch: 0,
        heartbeatIntervalMs: 0,
        assignment: null,
      };
    }
  }

  /** OffsetCommit's checks for a consumer group (Kafka's ConsumerGroup.validateOffsetCommit). */
  validateCommit(group: ConsumerGroup, memberId: string, memberEpoch: number, version: number): number {
    if (memberEpoch < 0 && group.members.size === 0) return KafkaErrorCode.NONE;
    const member = group.members.get(memberId);
    if (member === undefined) return KafkaErrorCode.UNKNOWN_MEMBER_ID;
    if (version < 9) return KafkaErrorCode.UNSUPPORTED_VERSION;
    return memberEpoch === member.memberEpoch ? KafkaErrorCode.NONE : KafkaErrorCode.STALE_MEMBER_EPOCH;
  }

  /** OffsetFetch's checks (v9+ names the member): an admin's fetch (no member, epoch -1) always passes. */
  validateFetch(group: ConsumerGroup, memberId: string | null, memberEpoch: number): number {
    if (memberId === null && memberEpoch < 0) return KafkaErrorCode.NONE;
    const member = memberId === null ? undefined : group.members.get(memberId);
    if (member === undefined) return KafkaErrorCode.UNKNOWN_MEMBER_ID;
    return memberEpoch === member.memberEpoch ? KafkaErrorCode.NONE : KafkaErrorCode.STALE_MEMBER_EPOCH;
  }

  private beat(request: ConsumerHeartbeat): ConsumerHeartbeatResult {
    const joining = request.memberEpoch === 0;
    const group = this.groupFor(request.groupId, joining);
    const memberId = request.memberId === '' ? this.newMemberId() : request.memberId;
    let member = group.members.get(memberId);
    let replaced = false;
    if (request.instanceId !== null && joining) {
      ({ member, replaced } = joinStatic(
        group,
        memberId,
        request.instanceId,
        request.clientId,
        request.clientHost,
        (old) => this.cancelTimers(old),
      ));
    } else if (request.instanceId !== null) {
      member = existingStatic(group, memberId, request.instanceId);
      checkEpoch(member, request.memberEpoch, request.topicPartitions);
    } else if (member === undefined) {
      if (!joining) {
        throw new ConsumerGroupError(
          KafkaErrorCode.UNKNOWN_MEMBER_ID,
          `Member ${memberId} is not a member of group ${group.groupId}.`,
        );
      }
      member = new ConsumerMember(memberId, request.clientId, request.clientHost);
    } else if (!joining) {
      checkEpoch(member, request.memberEpoch, request.topicPartitions);
    }
    const before = { assigned: member.assigned, isNew: !replaced && !group.members.has(memberId) };

    // 1. The member's new subscription; a change (or a new member) bumps the group epoch.
    const updated = updateMember(member, request);
    const changed = before.isNew || updated;
    member.clientId = request.clientId;
    member.clientHost = request.clientHost;
    group.members.set(memberId, member);
    const signature = this.subscriptionSignature(group);
    if (changed) group.groupEpoch++;
    if (signature !== group.subscriptionSignature) {
      group.subscriptionSignature = signature;
      group.groupEpoch++;
    }

    // 2. A new target assignment when the group epoch moved past it (at most once a second).
    const now = this.clock.now();
    const last = this.assignedAt.get(group);
    if (
      group.groupEpoch > group.assignmentEpoch &&
      (last === undefined || now - last >= MIN_ASSIGNMENT_INTERVAL_MS)
    ) {
      this.computeTargetAssignment(group);
      this.assignedAt.set(group, now);
    }

    // 3. Reconcile the member towards its target.
    this.reconcileMember(group, member, request.topicPartitions);
    this.armSession(group, member);

    const full =
      joining ||
      (request.rebalanceTimeoutMs !== -1 &&
        request.subscribedTopicNames !== null &&
        request.topicPartitions !== null);
    return {
      errorCode: KafkaErrorCode.NONE,
      errorMessage: null,
      memberId,
      memberEpoch: member.memberEpoch,
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
      assignment: full || !sameAssignment(before.assigned, member.assigned) ? member.assigned : null,
    };
  }

  private leave(request: ConsumerHeartbeat): ConsumerHeartbeatResult {
    const group = this.groups.get(request.groupId);
    if (group === undefined) {
      throw new ConsumerGroupError(KafkaErrorCode.GROUP_ID_NOT_FOUND, `Group ${request.groupId} not found.`);
    }
    const member =
      request.instanceId === null
        ? group.members.get(request.memberId)
        : existingStatic(group, request.memberId, request.instanceId);
    if (member === undefined) {
      throw new ConsumerGroupError(
        KafkaErrorCode.UNKNOWN_MEMBER_ID,
        `Member ${request.memberId} is not a member of group ${group.groupId}.`,
      );
    }
    if (request.memberEpoch === STATIC_LEAVE_EPOCH) {
      // Gone for a while: it keeps its partitions (nobody else gets them) until its session expires.
      member.memberEpoch = STATIC_LEAVE_EPOCH;
      member.pendingRevocation = new Map();
      return {
        errorCode: KafkaErrorCode.NONE,
        errorMessage: null,
        memberId: member.memberId,
        memberEpoch: STATIC_LEAVE_EPOCH,
        heartbeatIntervalMs: 0,
        assignment: null,
      };
    }
    this.fence(group, member);
    return {
      errorCode: KafkaErrorCode.NONE,
      errorMessage: null,
      memberId: request.memberId,
      memberEpoch: request.memberEpoch,
      heartbeatIntervalMs: 0,
      assignment: null,
    };
  }

  /** Removes a member (left, session expired, rebalance timed out) and bumps the group epoch. */
  fence(group: ConsumerGroup, member: ConsumerMember): void {
    if (group.members.get(member.memberId) !== member) return;
    this.cancelTimers(member);
    group.members.delete(member.memberId);
    group.targetAssignment.delete(member.memberId);
    group.subscriptionSignature = this.subscriptionSignature(group);
    group.groupEpoch++;
  }

  private cancelTimers(member: ConsumerMember): void {
    this.clock.clearTimeout(member.sessionTimer);
    this.clock.clearTimeout(member.rebalanceTimer);
  }

  private groupFor(groupId: string, create: boolean): ConsumerGroup {
    const existing = this.groups.get(groupId);
    if (existing !== undefined) return existing;
    const classic = this.takeEmptyClassic(groupId);
    if (classic === 'busy' || (classic !== undefined && !create)) {
      throw new ConsumerGroupError(
        KafkaErrorCode.GROUP_ID_NOT_FOUND,
        `Group ${groupId} is not a consumer group.`,
      );
    }
    if (!create) {
      throw new ConsumerGroupError(KafkaErrorCode.GROUP_ID_NOT_FOUND, `Consumer group ${groupId} not found.`);
    }
    const group = new ConsumerGroup(groupId);
    if (classic !== undefined) group.offsets = classic;
    this.groups.set(groupId, group);
    return group;
  }

  /** The subscribed topics that exist, with their ids and partition counts (Kafka's subscription metadata). */
  private subscribedTopics(group: ConsumerGroup): AssignorTopic[] {
    const topics: AssignorTopic[] = [];
    for (const name of group.subscribedTopics(this.model.topics.keys())) {
      const topic = this.model.topic(name);
      if (topic !== undefined)
        topics.push({ topicId: topic.topicId, name, partitions: topic.partitions.length });
    }
    return topics;
  }

  private subscriptionSignature(group: ConsumerGroup): string {
    return this.subscribedTopics(group)
      .map((t) => `${t.topicId}:${t.partitions}`)
      .join(',');
  }

  private computeTargetAssignment(group: ConsumerGroup): void {
    const topics = this.subscribedTopics(group);
    const byName = new Map(topics.map((t) => [t.name, t.topicId]));
    const allNames = [...this.model.topics.keys()];
    const assignor =
      ASSIGNORS.get(group.preferredAssignor() ?? DEFAULT_ASSIGNOR) ?? ASSIGNORS.get(DEFAULT_ASSIGNOR)!;
    const members = [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      topicIds: new Set(memberTopics(m, allNames).flatMap((n) => byName.get(n) ?? [])),
      current: group.targetAssignment.get(m.memberId) ?? new Map<string, Set<number>>(),
    }));
    const result = assignor(members, topics);
    group.targetAssignment.clear();
    for (const [memberId, assignment] of result) group.targetAssignment.set(memberId, assignment);
    group.assignmentEpoch = group.groupEpoch;
  }

  private reconcileMember(group: ConsumerGroup, member: ConsumerMember, owned: OwnedPartitions): void {
    if (member.isReconciledTo(group.assignmentEpoch)) return;
    const target = group.targetAssignment.get(member.memberId) ?? new Map<string, Set<number>>();
    const next = reconcile(
      member,
      group.assignmentEpoch,
      target,
      (t, p) => group.partitionEpoch(t, p),
      owned,
    );
    if (next.memberEpoch !== member.memberEpoch) member.previousMemberEpoch = member.memberEpoch;
    member.memberEpoch = next.memberEpoch;
    member.state = next.state;
    member.assigned = next.assigned;
    member.pendingRevocation = next.pendingRevocation;
    this.clock.clearTimeout(member.rebalanceTimer);
    member.rebalanceTimer = undefined;
    if (member.state === 'UNREVOKED_PARTITIONS') {
      const epoch = member.memberEpoch;
      member.rebalanceTimer = this.clock.setTimeout(
        () => {
          // Still holding partitions it was asked to give up, at the same epoch: fenced.
          if (member.state === 'UNREVOKED_PARTITIONS' && member.memberEpoch === epoch)
            this.fence(group, member);
        },
        Math.max(0, member.rebalanceTimeoutMs),
      );
    }
  }

  private armSession(group: ConsumerGroup, member: ConsumerMember): void {
    this.clock.clearTimeout(member.sessionTimer);
    member.sessionTimer = this.clock.setTimeout(() => this.fence(group, member), SESSION_TIMEOUT_MS);
  }
}

/** Kafka's throwIfConsumerGroupHeartbeatRequestIsInvalid (4.3.0's messages). */
function validate(r: ConsumerHeartbeat): void {
  const empty = (s: string | null) => s !== null && s.trim() === '';
  if (empty(r.groupId)) throw invalidRequest("GroupId can't be empty.");
  if (empty(r.instanceId)) throw invalidRequest("InstanceId can't be empty.");
  if (empty(r.rackId)) throw invalidRequest("RackId can't be empty.");
  if (r.memberEpoch > 0 || r.memberEpoch === LEAVE_EPOCH) {
    if (empty(r.memberId)) throw invalidRequest("MemberId can't be empty.");
  } else if (r.memberEpoch === 0) {
    if (r.version >= 1 && empty(r.memberId)) throw invalidRequest("MemberId can't be empty.");
    if (r.rebalanceTimeoutMs === -1)
      throw invalidRequest('RebalanceTimeoutMs must be provided in first request.');
    if (r.topicPartitions === null || r.topicPartitions.length > 0) {
      throw invalidRequest('TopicPartitions must be empty when (re-)joining.');
    }
    if (r.subscribedTopicNames === null && r.subscribedTopicRegex === null) {
      throw invalidRequest('SubscribedTopicNames or SubscribedTopicRegex must be set in first request.');
    }
  } else if (r.memberEpoch === STATIC_LEAVE_EPOCH) {
    if (empty(r.memberId)) throw invalidRequest("MemberId can't be empty.");
    if (r.instanceId === null) throw invalidRequest("InstanceId can't be null.");
  } else {
    throw invalidRequest('MemberEpoch is invalid.');
  }
  if (
    r.subscribedTopicRegex !== null &&
    r.subscribedTopicRegex !== '' &&
    compileRegex(r.subscribedTopicRegex) === null
  ) {
    throw new ConsumerGroupError(
      KafkaErrorCode.INVALID_REGULAR_EXPRESSION,
      `SubscribedTopicRegex ${r.subscribedTopicRegex} is invalid.`,
    );
  }
  if (r.serverAssignor !== null && !ASSIGNORS.has(r.serverAssignor)) {
    throw new ConsumerGroupError(
      KafkaErrorCode.UNSUPPORTED_ASSIGNOR,
      `ServerAssignor ${r.serverAssignor} is not supported. Supported assignors: ${[...ASSIGNORS.keys()].join(', ')}.`,
    );
  }
}

/** Kafka's throwIfConsumerGroupMemberEpochIsInvalid: ahead is fenced; behind only if not the lost-response case. */
function checkEpoch(member: ConsumerMember, received: number, owned: OwnedPartitions): void {
  const known = member.memberEpoch;
  const tail = 'The member must abandon all its partitions and rejoin.';
  if (received > known) {
    throw new FencedMemberEpoch(
      `The consumer group member has a greater member epoch (${received}) than the one known by the group coordinator (${known}). ${tail}`,
    );
  }
  if (received < known && (received !== member.previousMemberEpoch || !isSubset(owned, member.assigned))) {
    throw new FencedMemberEpoch(
      `The consumer group member has a smaller member epoch (${received}) than the one known by the group coordinator (${known}). ${tail}`,
    );
  }
}

function isSubset(owned: OwnedPartitions, assigned: Assignment): boolean {
  if (owned === null) return false;
  return owned.every((t) => {
    const set = assigned.get(t.topicId);
    return set !== undefined && t.partitions.every((p) => set.has(p));
  });
}

/** Applies what the heartbeat changed; true when the subscription (or assignor) changed. */
function updateMember(member: ConsumerMember, r: ConsumerHeartbeat): boolean {
  let changed = false;
  if (r.instanceId !== null) member.instanceId = r.instanceId;
  if (r.rackId !== null) member.rackId = r.rackId;
  if (r.rebalanceTimeoutMs !== -1) member.rebalanceTimeoutMs = r.rebalanceTimeoutMs;
  if (r.serverAssignor !== null && r.serverAssignor !== member.serverAssignor) {
    member.serverAssignor = r.serverAssignor;
    changed = true;
  }
  if (r.subscribedTopicNames !== null) {
    const next = [...r.subscribedTopicNames].sort();
    const prev = [...member.subscribedTopicNames].sort();
    if (next.length !== prev.length || next.some((n, i) => n !== prev[i])) changed = true;
    member.subscribedTopicNames = next;
  }
  if (r.subscribedTopicRegex !== null && r.subscribedTopicRegex !== (member.subscribedTopicRegex ?? '')) {
    member.subscribedTopicRegex = r.subscribedTopicRegex === '' ? null : r.subscribedTopicRegex;
    changed = true;
  }
  return changed;
}
