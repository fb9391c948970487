/**
 * A consumer group of the KIP-848 protocol (group.protocol=consumer) as Kafka's group coordinator keeps
 * it: members with their subscriptions and member epochs, the group epoch, and the target assignment the
 * coordinator computed for an assignment epoch. The rules that move it live in consumer-coordinator.ts
 * and reconcile.ts; this file holds the data and the questions asked of it (docs/broker-rules.md §
 * "Consumer groups (KIP-848)").
 */
import type { CommittedOffset } from './group.js';

/** Partitions by topic id. */
export type Assignment = Map<string, Set<number>>;

/** Kafka's consumer group states, spelt as ListGroups and ConsumerGroupDescribe report them. */
export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead';

/** Where a member is in reconciling its assignment with its target (Kafka's MemberState). */
export type MemberState = 'STABLE' | 'UNREVOKED_PARTITIONS' | 'UNRELEASED_PARTITIONS';

/** A member that joined with ConsumerGroupHeartbeat. */
export class ConsumerMember {
  memberEpoch = 0;
  previousMemberEpoch = -1;
  state: MemberState = 'STABLE';
  instanceId: string | null = null;
  rackId: string | null = null;
  rebalanceTimeoutMs = -1;
  serverAssignor: string | null = null;
  subscribedTopicNames: readonly string[] = [];
  /** A regular-expression subscription (v1), matched against every topic name; null if none. */
  subscribedTopicRegex: string | null = null;
  /** The partitions the member owns now (given to it and not taken back). */
  assigned: Assignment = new Map();
  /** The partitions the member was asked to give up and has not yet reported gone. */
  pendingRevocation: Assignment = new Map();
  /** Clock handles of its session and rebalance timers. */
  sessionTimer: unknown;
  rebalanceTimer: unknown;

  constructor(
    readonly memberId: string,
    public clientId: string,
    public clientHost: string,
  ) {}

  /** Kafka's isReconciledTo: stable at the target assignment's epoch. */
  isReconciledTo(targetEpoch: number): boolean {
    return this.state === 'STABLE' && this.memberEpoch === targetEpoch;
  }
}

export class ConsumerGroup {
  groupEpoch = 0;
  assignmentEpoch = 0;
  readonly members = new Map<string, ConsumerMember>();
  /** The target assignment of each member, for `assignmentEpoch`. */
  readonly targetAssignment = new Map<string, Assignment>();
  /** The topic names and partition counts the last target assignment was computed for. */
  subscriptionSignature = '';
  /** Committed offsets by topic, then partition (shared shape with classic groups). */
  offsets = new Map<string, Map<number, CommittedOffset>>();

  constructor(readonly groupId: string) {}

  /** Kafka's ConsumerGroup.maybeUpdateGroupState, computed on demand. */
  get state(): ConsumerGroupState {
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    for (const member of this.members.values()) {
      if (!member.isReconciledTo(this.assignmentEpoch)) return 'Reconciling';
    }
    return 'Stable';
  }

  /** The epoch of the member owning a partition (assigned or pending revocation), -1 if free. */
  partitionEpoch(topicId: string, partition: number): number {
    for (const member of this.members.values()) {
      if (
        member.assigned.get(topicId)?.has(partition) ||
        member.pendingRevocation.get(topicId)?.has(partition)
      ) {
        return member.memberEpoch;
      }
    }
    return -1;
  }

  /** The assignor the members ask for most (Kafka's computePreferredServerAssignor), or null if none asks. */
  preferredAssignor(): string | null {
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      if (m.serverAssignor !== null) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
    }
    let best: string | null = null;
    for (const [name, count] of votes) if (best === null || count > (votes.get(best) ?? 0)) best = name;
    return best;
  }

  /** Every topic name some member subscribes to (by name, or by regex among `topicNames`), sorted. */
  subscribedTopics(topicNames: Iterable<string>): string[] {
    const names = new Set<string>();
    const all = [...topicNames];
    for (const m of this.members.values()) for (const name of memberTopics(m, all)) names.add(name);
    return [...names].sort();
  }
}

/** The topic names a member subscribes to: its names, and those of `topicNames` its regex matches whole. */
export function memberTopics(member: ConsumerMember, topicNames: readonly string[]): string[] {
  const names = [...member.subscribedTopicNames];
  const pattern = compileRegex(member.subscribedTopicRegex);
  if (pattern !== null) for (const name of topicNames) if (pattern.test(name)) names.push(name);
  return names;
}

/** A subscription regex as a whole-name JavaScript RegExp (Kafka uses RE2/J; simple patterns agree). */
export function compileRegex(regex: string | null): RegExp | null {
  if (regex === null || regex === '') return null;
  try {
    return new RegExp(`^(?:${regex})$`);
  } catch {
    return null;
  }
}

/** A deep copy of an assignment. */
export function copyAssignment(a: Assignment): Assignment {
  return new Map([...a].map(([topicId, partitions]) => [topicId, new Set(partitions)]));
}

/** Whether two assignments hold the same partitions. */
export function sameAssignment(a: Assignment, b: Assignment): boolean {
  const size = (x: Assignment) => [...x.values()].reduce((n, s) => n + s.size, 0);
  if (size(a) !== size(b)) return false;
  for (const [topicId, partitions] of a) {
    const other = b.get(topicId);
    for (const p of partitions) if (!other?.has(p)) return false;
  }
  return true;
}
