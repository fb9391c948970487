/**
 * Static membership of consumer groups (KIP-345 carried into KIP-848), Kafka's
 * getOrMaybeSubscribeStaticConsumerGroupMember: a member with an instance id that leaves with epoch -2 stays
 * in the group (epoch -2, partitions kept) until its session expires; a new member id joining with that
 * instance id replaces it and inherits its assignment without a rebalance. A live instance id cannot be taken
 * (UNRELEASED_INSTANCE_ID), and a heartbeat naming an instance id owned by another member id is
 * FENCED_INSTANCE_ID (docs/broker-rules.md §"Consumer groups (KIP-848)").
 */
import { KafkaErrorCode } from '@idem/codec';
import { ConsumerGroupError } from './consumer-errors.js';
import { type ConsumerGroup, ConsumerMember, copyAssignment } from './consumer-group.js';

/** The member epoch of a static member that left for a while (ConsumerGroupHeartbeat's -2). */
export const STATIC_LEAVE_EPOCH = -2;

/** The member holding `instanceId`, if any. */
export function staticMember(group: ConsumerGroup, instanceId: string): ConsumerMember | undefined {
  for (const member of group.members.values()) if (member.instanceId === instanceId) return member;
  return undefined;
}

/**
 * A joining static member: new, or the replacement of the one that left (-2), which is removed from the group
 * (its timers cleared through `retire`) and whose assignment and target the new member id takes over.
 */
export function joinStatic(
  group: ConsumerGroup,
  memberId: string,
  instanceId: string,
  clientId: string,
  clientHost: string,
  retire: (old: ConsumerMember) => void,
): { member: ConsumerMember; replaced: boolean } {
  const existing = staticMember(group, instanceId);
  if (existing === undefined) {
    return {
      member: group.members.get(memberId) ?? new ConsumerMember(memberId, clientId, clientHost),
      replaced: false,
    };
  }
  if (existing.memberId === memberId) return { member: existing, replaced: false };
  if (existing.memberEpoch !== STATIC_LEAVE_EPOCH) {
    throw new ConsumerGroupError(
      KafkaErrorCode.UNRELEASED_INSTANCE_ID,
      `Static member ${memberId} with instance id ${instanceId} cannot join the group because the instance id is owned by ${existing.memberId} member.`,
    );
  }
  const member = new ConsumerMember(memberId, clientId, clientHost);
  member.memberEpoch = 0;
  member.previousMemberEpoch = 0;
  member.state = existing.state;
  member.instanceId = instanceId;
  member.rackId = existing.rackId;
  member.rebalanceTimeoutMs = existing.rebalanceTimeoutMs;
  member.serverAssignor = existing.serverAssignor;
  member.subscribedTopicNames = existing.subscribedTopicNames;
  member.subscribedTopicRegex = existing.subscribedTopicRegex;
  member.assigned = copyAssignment(existing.assigned);
  member.pendingRevocation = copyAssignment(existing.pendingRevocation);
  const target = group.targetAssignment.get(existing.memberId);
  retire(existing);
  group.members.delete(existing.memberId);
  group.targetAssignment.delete(existing.memberId);
  if (target !== undefined) group.targetAssignment.set(memberId, target);
  group.members.set(memberId, member);
  return { member, replaced: true };
}

/** The static member a heartbeat (epoch > 0) or leave names: it must exist and be this member id. */
export function existingStatic(group: ConsumerGroup, memberId: string, instanceId: string): ConsumerMember {
  const member = staticMember(group, instanceId);
  if (member === undefined) {
    throw new ConsumerGroupError(KafkaErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${instanceId} is unknown.`);
  }
  if (member.memberId !== memberId) {
    throw new ConsumerGroupError(
      KafkaErrorCode.FENCED_INSTANCE_ID,
      `Static member ${memberId} with instance id ${instanceId} was fenced by member ${member.memberId}.`,
    );
  }
  return member;
}
