/**
 * Reconciliation of a member's assignment with its target, Kafka's CurrentAssignmentBuilder rule for
 * rule: a member first gives up the partitions it must revoke (staying at its epoch, in
 * UNREVOKED_PARTITIONS, until a heartbeat no longer lists them), then moves to the target epoch and gets
 * the new partitions that no other member still owns; the ones still owned wait (UNRELEASED_PARTITIONS)
 * and are handed over on a later heartbeat. So a partition is never owned by two members at once
 * (docs/broker-rules.md §"Consumer groups (KIP-848)").
 */
import { FencedMemberEpoch } from './consumer-errors.js';
import type { Assignment, ConsumerMember, MemberState } from './consumer-group.js';

/** What the member reported owning in its heartbeat (null: not sent this time). */
export type OwnedPartitions = readonly { topicId: string; partitions: readonly number[] }[] | null;

/** The member's next assignment state; the member itself is not changed. */
export interface Reconciled {
  readonly state: MemberState;
  readonly memberEpoch: number;
  readonly assigned: Assignment;
  readonly pendingRevocation: Assignment;
}

export function reconcile(
  member: ConsumerMember,
  targetEpoch: number,
  target: Assignment,
  partitionEpoch: (topicId: string, partition: number) => number,
  owned: OwnedPartitions,
): Reconciled {
  const next = (epoch: number) => computeNext(member, epoch, targetEpoch, target, partitionEpoch, owned);
  const unchanged: Reconciled = {
    state: member.state,
    memberEpoch: member.memberEpoch,
    assigned: member.assigned,
    pendingRevocation: member.pendingRevocation,
  };
  switch (member.state) {
    case 'STABLE':
      return member.memberEpoch !== targetEpoch ? next(member.memberEpoch) : unchanged;
    case 'UNREVOKED_PARTITIONS':
      // Progress only once the member no longer reports any partition it was asked to revoke.
      if (ownsAny(owned, member.pendingRevocation)) return unchanged;
      return next(member.memberEpoch + 1);
    case 'UNRELEASED_PARTITIONS':
      return next(member.memberEpoch);
    default:
      throw new FencedMemberEpoch('The consumer group member is in a unknown state.');
  }
}

function computeNext(
  member: ConsumerMember,
  memberEpoch: number,
  targetEpoch: number,
  target: Assignment,
  partitionEpoch: (topicId: string, partition: number) => number,
  owned: OwnedPartitions,
): Reconciled {
  let hasUnreleased = false;
  const assigned: Assignment = new Map();
  const revoke: Assignment = new Map();
  const pendingAssign: Assignment = new Map();
  const topicIds = new Set([...target.keys(), ...member.assigned.keys()]);
  for (const topicId of topicIds) {
    const want = target.get(topicId) ?? new Set<number>();
    const have = member.assigned.get(topicId) ?? new Set<number>();
    const keep = new Set([...have].filter((p) => want.has(p)));
    const drop = new Set([...have].filter((p) => !keep.has(p)));
    const add = new Set<number>();
    for (const p of want) {
      if (keep.has(p)) continue;
      if (partitionEpoch(topicId, p) !== -1) hasUnreleased = true;
      else add.add(p);
    }
    if (keep.size > 0) assigned.set(topicId, keep);
    if (drop.size > 0) revoke.set(topicId, drop);
    if (add.size > 0) pendingAssign.set(topicId, add);
  }
  if (revoke.size > 0 && ownsAny(owned, revoke)) {
    return { state: 'UNREVOKED_PARTITIONS', memberEpoch, assigned, pendingRevocation: revoke };
  }
  if (pendingAssign.size > 0) {
    for (const [topicId, partitions] of pendingAssign) {
      const set = assigned.get(topicId) ?? new Set<number>();
      for (const p of partitions) set.add(p);
      assigned.set(topicId, set);
    }
  }
  return {
    state: hasUnreleased ? 'UNRELEASED_PARTITIONS' : 'STABLE',
    memberEpoch: targetEpoch,
    assigned,
    pendingRevocation: new Map(),
  };
}

/** Whether the member reports owning any of `partitions`; not reporting counts as owning (Kafka's rule). */
function ownsAny(owned: OwnedPartitions, partitions: Assignment): boolean {
  if (owned === null) return true;
  for (const t of owned) {
    const set = partitions.get(t.topicId);
    if (set !== undefined && t.partitions.some((p) => set.has(p))) return true;
  }
  return false;
}
