/**
 * The KIP-848 consumer group protocol on the broker's virtual clock: a member joins and gets every
 * partition, a second member's partitions are revoked from the first before they are handed over, a
 * member leaving or timing out gives its partitions back, a stale or future epoch is fenced, and commits
 * are checked against the member epoch (docs/broker-rules.md §"Consumer groups (KIP-848)").
 */
import { KafkaErrorCode as E } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { MemoryCluster } from '../../src/cluster/memory-cluster.js';
import {
  MIN_ASSIGNMENT_INTERVAL_MS,
  SESSION_TIMEOUT_MS,
} from '../../src/handlers/groups/consumer-coordinator.js';
import { expectHostileFramesRefused } from '../admin/hostile.js';
import { T0 } from '../helpers.js';
import { call, coordinatorOf } from '../server/helpers.js';

const GROUP = 'g';

async function setup(partitions = 4) {
  const clock = new ManualClock(T0);
  const cluster = new MemoryCluster({ brokers: 3, clock, topics: { t: { partitions } } });
  const node = await coordinatorOf(cluster, GROUP);
  const topicId = cluster.topicGenerations('t').at(-1)!.topicId;
  type Owned = { topicId: string; partitions: number[] }[] | null;
  const beat = (memberId: string, memberEpoch: number, extra: Record<string, unknown> = {}) =>
    call(cluster, node, 'ConsumerGroupHeartbeat', 1, { groupId: GROUP, memberId, memberEpoch, ...extra });
  const join = (memberId: string, extra: Record<string, unknown> = {}) =>
    beat(memberId, 0, {
      rebalanceTimeoutMs: 30_000,
      subscribedTopicNames: ['t'],
      topicPartitions: [],
      ...extra,
    });
  const owning = (partitions: number[]): Owned => [{ topicId, partitions }];
  const describe = async () =>
    (
      await call(cluster, node, 'ConsumerGroupDescribe', 1, {
        groupIds: [GROUP],
        includeAuthorizedOperations: false,
      })
    ).groups[0]!;
  return { clock, cluster, node, topicId, beat, join, owning, describe };
}

const parts = (r: { assignment: { topicPartitions: { partitions: number[] }[] } | null }) =>
  r.assignment?.topicPartitions.flatMap((t) => t.partitions).sort() ?? null;

describe('ConsumerGroupHeartbeat', () => {
  it('a first member joins at epoch 2 (member and subscription metadata bumps) with every partition', async () => {
    const s = await setup();
    const r = await s.join('m1');
    expect(r).toMatchObject({ errorCode: E.NONE, memberId: 'm1', memberEpoch: 2, heartbeatIntervalMs: 5000 });
    expect(parts(r)).toEqual([0, 1, 2, 3]);
    const d = await s.describe();
    expect(d).toMatchObject({
      groupState: 'Stable',
      groupEpoch: 2,
      assignmentEpoch: 2,
      assignorName: 'uniform',
    });
    // A heartbeat with nothing new carries no assignment.
    const again = await s.beat('m1', 2);
    expect(again).toMatchObject({ errorCode: E.NONE, memberEpoch: 2, assignment: null });
  });

  it('two members share the partitions; revoked partitions move only once released', async () => {
    const s = await setup();
    await s.join('m1');
    const j2 = await s.join('m2');
    // Within the assignment interval the newcomer waits at the current assignment epoch, with nothing.
    expect(j2).toMatchObject({ memberEpoch: 2 });
    expect(parts(j2)).toEqual([]);
    s.clock.advance(MIN_ASSIGNMENT_INTERVAL_MS);
    // m1 is asked to revoke two partitions and stays at epoch 2 until it reports them gone.
    const revoke = await s.beat('m1', 2, { topicPartitions: s.owning([0, 1, 2, 3]) });
    expect(revoke.memberEpoch).toBe(2);
    const kept = parts(revoke)!;
    expect(kept).toHaveLength(2);
    const moving = [0, 1, 2, 3].filter((p) => !kept.includes(p));
    // m2 moves to epoch 3 but cannot have the partitions m1 still owns.
    const waiting = await s.beat('m2', 2, { topicPartitions: [] });
    expect(waiting.memberEpoch).toBe(3);
    expect(parts(waiting) ?? []).toEqual([]);
    expect((await s.describe()).groupState).toBe('Reconciling');
    // Still listing them: no progress.
    expect((await s.beat('m1', 2, { topicPartitions: s.owning([0, 1, 2, 3]) })).memberEpoch).toBe(2);
    const released = await s.beat('m1', 2, { topicPartitions: s.owning(kept) });
    expect(released).toMatchObject({ memberEpoch: 3, assignment: null });
    const given = await s.beat('m2', 3, { topicPartitions: [] });
    expect(parts(given)).toEqual(moving);
    expect((await s.describe()).groupState).toBe('Stable');
  });

  it('a member leaving (epoch -1) gives its partitions to the rest', async () => {
    const s = await setup(2);
    await s.join('m1');
    s.clock.advance(MIN_ASSIGNMENT_INTERVAL_MS);
    await s.join('m2');
    await s.beat('m1', 3, { topicPartitions: s.owning([0, 1]) });
    await s.beat('m1', 2, { topicPartitions: s.owning([0, 1]) });
    const left = await s.beat('m2', -1);
    expect(left).toMatchObject({
      errorCode: E.NONE,
      memberId: 'm2',
      memberEpoch: -1,
      heartbeatIntervalMs: 0,
    });
    s.clock.advance(MIN_ASSIGNMENT_INTERVAL_MS);
    const d0 = await s.describe();
    expect(d0.groupState).toBe('Assigning');
    const m1 = d0.members[0]!;
    const back = await s.beat('m1', m1.memberEpoch, {
      topicPartitions: s.owning(m1.assignment.topicPartitions.flatMap((t) => t.partitions)),
    });
    // Partition 1 was still pending revocation from m1 itself, so it is unreleased for one more heartbeat
    // (Kafka's currentPartitionEpoch counts the member's own pending revocations).
    expect(back).toMatchObject({ memberEpoch: 4, assignment: null });
    const all = await s.beat('m1', 4, { topicPartitions: s.owning([0]) });
    expect(parts(all)).toEqual([0, 1]);
    expect((await s.describe()).groupState).toBe('Stable');
    // Leaving twice, or from a group that does not exist, is refused as Kafka refuses it.
    expect(await s.beat('m2', -1)).toMatchObject({ errorCode: E.UNKNOWN_MEMBER_ID, memberId: null });
    const none = await call(s.cluster, await coordinatorOf(s.cluster, 'nope'), 'ConsumerGroupHeartbeat', 1, {
      groupId: 'nope',
      memberId: 'x',
      memberEpoch: 3,
    });
    expect(none).toMatchObject({
      errorCode: E.GROUP_ID_NOT_FOUND,
      errorMessage: 'Consumer group nope not found.',
    });
  });

  it("a member silent past the session timeout is removed and the group's epoch bumps", async () => {
    const s = await setup();
    await s.join('m1');
    s.clock.advance(SESSION_TIMEOUT_MS - 1);
    expect((await s.describe()).members).toHaveLength(1);
    s.clock.advance(1);
    const d = await s.describe();
    expect(d).toMatchObject({ groupState: 'Empty', groupEpoch: 3, members: [] });
    expect(await s.beat('m1', 2)).toMatchObject({ errorCode: E.UNKNOWN_MEMBER_ID });
    const listed = await call(s.cluster, s.node, 'ListGroups', 5, { statesFilter: [], typesFilter: [] });
    expect(listed.groups).toEqual([
      { groupId: GROUP, protocolType: 'consumer', groupState: 'Empty', groupType: 'consumer' },
    ]);
  });

  it('a member that does not revoke within its rebalance timeout is fenced', async () => {
    const s = await setup();
    await s.join('m1', { rebalanceTimeoutMs: 10_000 });
    s.clock.advance(MIN_ASSIGNMENT_INTERVAL_MS);
    await s.join('m2');
    await s.beat('m1', 2, { topicPartitions: s.owning([0, 1, 2, 3]) });
    s.clock.advance(10_000);
    expect((await s.describe()).members.map((m) => m.memberId)).toEqual(['m2']);
    expect(await s.beat('m1', 2)).toMatchObject({ errorCode: E.UNKNOWN_MEMBER_ID });
  });

  it('fences an epoch ahead of or behind the known one, except a lost response at the previous epoch', async () => {
    const s = await setup();
    await s.join('m1');
    const ahead = await s.beat('m1', 5);
    expect(ahead).toMatchObject({ errorCode: E.FENCED_MEMBER_EPOCH, memberId: null, memberEpoch: 0 });
    expect(ahead.errorMessage).toBe(
      'The consumer group member has a greater member epoch (5) than the one known by the group coordinator (2). The member must abandon all its partitions and rejoin.',
    );
    // The previous epoch (0) with a subset of the assignment is the lost-response case: accepted.
    expect(await s.beat('m1', 0 + 1)).toMatchObject({ errorCode: E.FENCED_MEMBER_EPOCH });
    const rejoin = await s.join('m1');
    expect(rejoin).toMatchObject({ errorCode: E.NONE, memberEpoch: 2 });
    expect(parts(rejoin)).toEqual([0, 1, 2, 3]);
  });

  it('refuses invalid requests with Kafka messages', async () => {
    const s = await setup();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ groupId: '', memberId: 'm', memberEpoch: 0 }, E.INVALID_REQUEST, "GroupId can't be empty."],
      [
        {
          memberId: '',
          memberEpoch: 0,
          rebalanceTimeoutMs: 1,
          subscribedTopicNames: ['t'],
          topicPartitions: [],
        },
        E.INVALID_REQUEST,
        "MemberId can't be empty.",
      ],
      [
        { memberId: 'm', memberEpoch: 0, subscribedTopicNames: ['t'], topicPartitions: [] },
        E.INVALID_REQUEST,
        'RebalanceTimeoutMs must be provided in first request.',
      ],
      [
        { memberId: 'm', memberEpoch: 0, rebalanceTimeoutMs: 1, subscribedTopicNames: ['t'] },
        E.INVALID_REQUEST,
        'TopicPartitions must be empty when (re-)joining.',
      ],
      [{ memberId: 'm', memberEpoch: -3 }, E.INVALID_REQUEST, 'MemberEpoch is invalid.'],
      [{ memberId: 'm', memberEpoch: -2 }, E.INVALID_REQUEST, "InstanceId can't be null."],
      [
        {
          memberId: 'm',
          memberEpoch: 0,
          rebalanceTimeoutMs: 1,
          subscribedTopicNames: ['t'],
          topicPartitions: [],
          serverAssignor: 'nope',
        },
        E.UNSUPPORTED_ASSIGNOR,
        'ServerAssignor nope is not supported. Supported assignors: uniform, range.',
      ],
    ];
    for (const [body, code, message] of cases) {
      const r = await call(s.cluster, s.node, 'ConsumerGroupHeartbeat', 1, { groupId: GROUP, ...body });
      expect([r.errorCode, r.errorMessage]).toEqual([code, message]);
    }
    const other = s.cluster.nodeIds.find((n) => n !== s.node)!;
    const wrong = await call(s.cluster, other, 'ConsumerGroupHeartbeat', 1, {
      groupId: GROUP,
      memberId: 'm',
      memberEpoch: 1,
    });
    expect(wrong.errorCode).toBe(E.NOT_COORDINATOR);
  });

  it('range assignor when asked; a regex subscription matches whole topic names', async () => {
    const s = await setup(3);
    await s.join('b', { serverAssignor: 'range' });
    s.clock.advance(MIN_ASSIGNMENT_INTERVAL_MS);
    await s.join('a', { serverAssignor: 'range', subscribedTopicNames: [], subscribedTopicRegex: 't|u' });
    const d = await s.describe();
    expect(d.assignorName).toBe('range');
    const target = Object.fromEntries(
      d.members.map((m) => [m.memberId, m.targetAssignment.topicPartitions.flatMap((t) => t.partitions)]),
    );
    expect(target).toEqual({ a: [0, 1], b: [2] });
  });
});

describe('static members', () => {
  it('-2 keeps the partitions until the session expires; a new member id with the instance id takes them', async () => {
    const s = await setup(2);
    await s.join('s1', { instanceId: 'i1' });
    expect(await s.join('s2', { instanceId: 'i1' })).toMatchObject({ errorCode: E.UNRELEASED_INSTANCE_ID });
    expect(await s.beat('s1', -2, { instanceId: 'i1' })).toMatchObject({
      errorCode: E.NONE,
      memberEpoch: -2,
    });
    // Nobody else gets its partitions while it is away.
    s.clock.advance(MIN_ASSIGNMENT_INTERVAL_MS);
    const other = await s.join('d1');
    expect(parts(other)).toEqual([]);
    const back = await s.join('s2', { instanceId: 'i1' });
    expect(back).toMatchObject({ errorCode: E.NONE, memberId: 's2' });
    expect(await s.beat('s1', 2, { instanceId: 'i1' })).toMatchObject({ errorCode: E.FENCED_INSTANCE_ID });
    // Away again, past the session timeout: removed for good.
    await s.beat('s2', -2, { instanceId: 'i1' });
    s.clock.advance(SESSION_TIMEOUT_MS);
    expect((await s.describe()).members.map((m) => m.memberId)).toEqual([]);
  });
});

describe('OffsetCommit and OffsetFetch for a consumer group', () => {
  const commit = (s: Awaited<ReturnType<typeof setup>>, version: number, memberId: string, epoch: number) =>
    call(s.cluster, s.node, 'OffsetCommit', version, {
      groupId: GROUP,
      generationIdOrMemberEpoch: epoch,
      memberId,
      topics: [
        {
          name: 't',
          topicId: s.topicId,
          partitions: [{ partitionIndex: 0, committedOffset: 5n, committedMetadata: null }],
        },
      ],
    }).then((r) => r.topics[0]!.partitions[0]!.errorCode);

  it('checks the member epoch (v9+), and the member; OffsetFetch v9 too', async () => {
    const s = await setup();
    await s.join('m1');
    expect(await commit(s, 9, 'm1', 1)).toBe(E.STALE_MEMBER_EPOCH);
    expect(await commit(s, 9, 'zz', 2)).toBe(E.UNKNOWN_MEMBER_ID);
    expect(await commit(s, 8, 'm1', 2)).toBe(E.UNSUPPORTED_VERSION);
    expect(await commit(s, 9, 'm1', 2)).toBe(E.NONE);
    const fetch = (memberId: string | null, memberEpoch: number) =>
      call(s.cluster, s.node, 'OffsetFetch', 9, {
        groups: [{ groupId: GROUP, memberId, memberEpoch, topics: [{ name: 't', partitionIndexes: [0] }] }],
        requireStable: false,
      }).then((r) => r.groups[0]!);
    expect((await fetch('m1', 99)).errorCode).toBe(E.STALE_MEMBER_EPOCH);
    expect((await fetch('m1', 2)).topics[0]!.partitions[0]!.committedOffset).toBe(5n);
    expect((await fetch(null, -1)).topics[0]!.partitions[0]!.committedOffset).toBe(5n);
    // The emptied group keeps its offsets; an admin commit (epoch -1) is then accepted; DeleteGroups removes it.
    await s.beat('m1', -1);
    expect(await commit(s, 9, '', -1)).toBe(E.NONE);
    const del = await call(s.cluster, s.node, 'DeleteGroups', 2, { groupsNames: [GROUP] });
    expect(del.results[0]!.errorCode).toBe(E.NONE);
  });

  it('DescribeGroups describes a consumer group as Kafka does: Dead, and v6 says it is not classic', async () => {
    const s = await setup();
    await s.join('m1');
    const v6 = await call(s.cluster, s.node, 'DescribeGroups', 6, {
      groups: [GROUP],
      includeAuthorizedOperations: false,
    });
    expect(v6.groups[0]).toMatchObject({
      errorCode: E.GROUP_ID_NOT_FOUND,
      errorMessage: 'Group g is not a classic group.',
      groupState: 'Dead',
    });
    const v5 = await call(s.cluster, s.node, 'DescribeGroups', 5, {
      groups: [GROUP],
      includeAuthorizedOperations: false,
    });
    expect(v5.groups[0]).toMatchObject({ errorCode: E.NONE, groupState: 'Dead' });
    expect(
      (await call(s.cluster, s.node, 'DeleteGroups', 2, { groupsNames: [GROUP] })).results[0]!.errorCode,
    ).toBe(E.NON_EMPTY_GROUP);
  });
});

describe('hostile ConsumerGroupHeartbeat and ConsumerGroupDescribe frames', () => {
  it.each([0, 1])(
    'ConsumerGroupHeartbeat v%i: truncated or oversized, refused naming the field',
    async (v) => {
      const s = await setup();
      const fields = await expectHostileFramesRefused(s.cluster, 'ConsumerGroupHeartbeat', v, {
        groupId: GROUP,
        memberId: 'm1',
        memberEpoch: 3,
        instanceId: null,
        rackId: 'r',
        rebalanceTimeoutMs: 1000,
        subscribedTopicNames: ['t'],
        serverAssignor: 'uniform',
        topicPartitions: [{ topicId: s.topicId, partitions: [0, 1] }],
      });
      expect(fields.some((f) => f.includes('groupId'))).toBe(true);
      expect(fields.some((f) => f.includes('topicPartitions'))).toBe(true);
    },
  );

  it.each([0, 1])(
    'ConsumerGroupDescribe v%i: truncated or oversized, refused naming the field',
    async (v) => {
      const s = await setup();
      const fields = await expectHostileFramesRefused(s.cluster, 'ConsumerGroupDescribe', v, {
        groupIds: [GROUP, 'other'],
        includeAuthorizedOperations: true,
      });
      expect(fields.some((f) => f.includes('groupIds'))).toBe(true);
    },
  );
});
