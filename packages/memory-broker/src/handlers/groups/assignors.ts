/**
 * The server-side assignors of the consumer group protocol: `uniform` (Kafka's default) and `range`
 * (docs/broker-rules.md §"Consumer groups (KIP-848)"). `uniform` follows Kafka's
 * UniformHomogeneousAssignmentBuilder when every member subscribes to the same topics (keep what each
 * member has up to its quota, hand the rest out in order) and balances greedily, keeping what it can,
 * when subscriptions differ. `range` gives each topic's subscribers, by member id, contiguous ranges.
 * Which member gets which partition may differ from Kafka (its maps iterate in hash order); how many
 * each gets, and that nothing is assigned twice, does not.
 */
import type { Assignment } from './consumer-group.js';

/** One member as the assignor sees it. */
export interface AssignorMember {
  readonly memberId: string;
  readonly topicIds: ReadonlySet<string>;
  /** Its current target assignment (what stickiness keeps). */
  readonly current: Assignment;
}

/** A subscribed topic that exists: its id, name (for ordering) and partition count. */
export interface AssignorTopic {
  readonly topicId: string;
  readonly name: string;
  readonly partitions: number;
}

/** Computes every member's target assignment. */
export type Assignor = (
  members: readonly AssignorMember[],
  topics: readonly AssignorTopic[],
) => Map<string, Assignment>;

/** The assignors a heartbeat's serverAssignor may name; the first is the default. */
export const ASSIGNORS: ReadonlyMap<string, Assignor> = new Map<string, Assignor>([
  ['uniform', uniformAssignor],
  ['range', rangeAssignor],
]);

export const DEFAULT_ASSIGNOR = 'uniform';

interface Slot {
  readonly topicId: string;
  readonly partition: number;
}

function add(assignment: Assignment, topicId: string, partition: number): void {
  let set = assignment.get(topicId);
  if (set === undefined) {
    set = new Set();
    assignment.set(topicId, set);
  }
  set.add(partition);
}

function count(a: Assignment): number {
  let n = 0;
  for (const set of a.values()) n += set.size;
  return n;
}

function uniformAssignor(
  members: readonly AssignorMember[],
  topics: readonly AssignorTopic[],
): Map<string, Assignment> {
  const result = new Map<string, Assignment>(members.map((m) => [m.memberId, new Map()]));
  if (members.length === 0) return result;
  const first = members[0]!.topicIds;
  const homogeneous = members.every(
    (m) => m.topicIds.size === first.size && [...first].every((t) => m.topicIds.has(t)),
  );
  return homogeneous
    ? uniformHomogeneous(members, topics, result)
    : uniformHeterogeneous(members, topics, result);
}

function uniformHomogeneous(
  members: readonly AssignorMember[],
  topics: readonly AssignorTopic[],
  result: Map<string, Assignment>,
): Map<string, Assignment> {
  const subscribed = topics.filter((t) => members[0]!.topicIds.has(t.topicId));
  const partitionCount = new Map(subscribed.map((t) => [t.topicId, t.partitions]));
  const taken = new Set<string>();
  const unassigned: Slot[] = [];
  let total = 0;
  for (const t of subscribed) total += t.partitions;
  const minQuota = Math.floor(total / members.length);
  let extra = total % members.length;
  const unfilled: { memberId: string; quota: number }[] = [];
  for (const m of members) {
    let quota = minQuota;
    if (extra > 0) {
      quota++;
      extra--;
    }
    const mine = result.get(m.memberId)!;
    for (const [topicId, partitions] of m.current) {
      const limit = partitionCount.get(topicId);
      if (limit === undefined) continue; // unsubscribed or gone: dropped
      for (const p of [...partitions].sort((a, b) => a - b)) {
        const key = `${topicId}:${p}`;
        if (p >= limit || taken.has(key)) continue;
        taken.add(key);
        if (quota > 0) {
          quota--;
          add(mine, topicId, p);
        } else {
          unassigned.push({ topicId, partition: p });
        }
      }
    }
    if (quota > 0) unfilled.push({ memberId: m.memberId, quota });
  }
  const fresh: Slot[] = [];
  for (const t of subscribed) {
    for (let p = 0; p < t.partitions; p++)
      if (!taken.has(`${t.topicId}:${p}`)) fresh.push({ topicId: t.topicId, partition: p });
  }
  const queue = [...fresh, ...unassigned];
  let next = 0;
  for (const u of unfilled) {
    const mine = result.get(u.memberId)!;
    for (let i = 0; i < u.quota && next < queue.length; i++, next++)
      add(mine, queue[next]!.topicId, queue[next]!.partition);
  }
  return result;
}

function uniformHeterogeneous(
  members: readonly AssignorMember[],
  topics: readonly AssignorTopic[],
  result: Map<string, Assignment>,
): Map<string, Assignment> {
  const owner = new Map<string, string>();
  const partitionCount = new Map(topics.map((t) => [t.topicId, t.partitions]));
  for (const m of members) {
    for (const [topicId, partitions] of m.current) {
      const limit = partitionCount.get(topicId);
      if (limit === undefined || !m.topicIds.has(topicId)) continue;
      for (const p of partitions) {
        const key = `${topicId}:${p}`;
        if (p < limit && !owner.has(key)) {
          owner.set(key, m.memberId);
          add(result.get(m.memberId)!, topicId, p);
        }
      }
    }
  }
  const sizeOf = (memberId: string) => count(result.get(memberId)!);
  for (const t of topics) {
    const eligible = members.filter((m) => m.topicIds.has(t.topicId));
    if (eligible.length === 0) continue;
    for (let p = 0; p < t.partitions; p++) {
      if (owner.has(`${t.topicId}:${p}`)) continue;
      let best = eligible[0]!;
      for (const m of eligible) if (sizeOf(m.memberId) < sizeOf(best.memberId)) best = m;
      owner.set(`${t.topicId}:${p}`, best.memberId);
      add(result.get(best.memberId)!, t.topicId, p);
    }
  }
  // Balance: move a partition from a member to an eligible one with at least two fewer (bounded).
  for (let moves = 0, moved = true; moved && moves < 100_000; ) {
    moved = false;
    for (const [key, from] of owner) {
      const [topicId, ps] = [key.slice(0, key.lastIndexOf(':')), Number(key.slice(key.lastIndexOf(':') + 1))];
      const target = members.find((m) => m.topicIds.has(topicId) && sizeOf(m.memberId) + 2 <= sizeOf(from));
      if (target === undefined) continue;
      result.get(from)!.get(topicId)!.delete(ps);
      if (result.get(from)!.get(topicId)!.size === 0) result.get(from)!.delete(topicId);
      add(result.get(target.memberId)!, topicId, ps);
      owner.set(key, target.memberId);
      moved = true;
      moves++;
    }
  }
  return result;
}

function rangeAssignor(
  members: readonly AssignorMember[],
  topics: readonly AssignorTopic[],
): Map<string, Assignment> {
  const result = new Map<string, Assignment>(members.map((m) => [m.memberId, new Map()]));
  for (const t of topics) {
    const subscribers = members
      .filter((m) => m.topicIds.has(t.topicId))
      .map((m) => m.memberId)
      .sort();
    if (subscribers.length === 0) continue;
    const per = Math.floor(t.partitions / subscribers.length);
    const extra = t.partitions % subscribers.length;
    let p = 0;
    subscribers.forEach((memberId, i) => {
      const n = per + (i < extra ? 1 : 0);
      for (let k = 0; k < n; k++) add(result.get(memberId)!, t.topicId, p++);
    });
  }
  return result;
}
