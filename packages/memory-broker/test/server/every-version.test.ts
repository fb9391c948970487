/**
 * Every consumer and admin API at every version it is advertised in, from the leader or coordinator
 * and from a broker that is not, in success and error shapes: the response must be one the codec
 * can encode at that version (a field the version lacks, set to a non-default value, would fail),
 * and must say what that version can say.
 */
import { KafkaErrorCode } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { MemoryCluster } from '../../src/cluster/memory-cluster.js';
import type { ConsumerAdminApi } from '../../src/faults/match.js';
import { SERVED_VERSIONS } from '../../src/handlers/versions.js';
import { call, coordinatorOf, fill, versionsOf } from './helpers.js';

const T0 = 1_700_000_000_000;

async function cluster(): Promise<MemoryCluster> {
  const c = new MemoryCluster({ brokers: 2, clock: new ManualClock(T0), topics: { t: { partitions: 2 } } });
  await fill(c, 't', 0, 3, 4);
  return c;
}

function each(api: ConsumerAdminApi): number[] {
  const r = SERVED_VERSIONS[api];
  return versionsOf(r.min, r.max);
}

describe('consumer and admin responses at every served version', () => {
  it.each(each('Fetch'))(
    'Fetch v%i: records from the leader, NOT_LEADER elsewhere, unknown topics',
    async (v) => {
      const c = await cluster();
      const topicId = (await call(c, 1, 'Metadata', 12, { topics: null })).topics[0]!.topicId;
      for (const node of c.nodeIds) {
        const r = await call(c, node, 'Fetch', v, {
          maxWaitMs: 0,
          minBytes: 1,
          maxBytes: 1 << 20,
          isolationLevel: 1,
          topics: [
            {
              topic: 't',
              topicId,
              partitions: [0, 1, 7].map((partition) => ({
                partition,
                fetchOffset: 0n,
                partitionMaxBytes: 1 << 20,
              })),
            },
            {
              topic: 'missing',
              topicId: '11111111-1111-4111-8111-111111111111',
              partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 100 }],
            },
          ],
          forgottenTopicsData: [],
        });
        const [p0, p1, p7] = r.responses[0]!.partitions;
        if (node === c.leaderOf('t', 0)) {
          expect(p0!.errorCode).toBe(0);
          expect(p0!.highWatermark).toBe(12n);
          expect(p0!.records!.length).toBeGreaterThan(0);
        } else {
          expect(p0!.errorCode).toBe(KafkaErrorCode.NOT_LEADER_OR_FOLLOWER);
        }
        expect(p1!.errorCode).toBe(node === c.leaderOf('t', 1) ? 0 : KafkaErrorCode.NOT_LEADER_OR_FOLLOWER);
        expect(p7!.errorCode).toBe(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        expect(r.responses[1]!.partitions[0]!.errorCode).toBe(
          v >= 13 ? KafkaErrorCode.UNKNOWN_TOPIC_ID : KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        );
      }
    },
  );

  it.each(each('ListOffsets'))('ListOffsets v%i', async (v) => {
    const c = await cluster();
    const r = await call(c, c.leaderOf('t', 0), 'ListOffsets', v, {
      replicaId: -1,
      topics: [
        {
          name: 't',
          partitions: [
            { partitionIndex: 0, timestamp: -1n },
            { partitionIndex: 0, timestamp: -2n },
            { partitionIndex: 0, timestamp: BigInt(T0 + 1000) },
            { partitionIndex: 1, timestamp: -1n },
          ],
        },
      ],
    });
    const [latest, earliest, byTime, other] = r.topics[0]!.partitions;
    expect([latest!.offset, earliest!.offset, byTime!.offset]).toEqual([12n, 0n, 4n]);
    expect(latest!.leaderEpoch).toBe(v >= 4 ? 0 : -1);
    expect(other!.errorCode).toBe(KafkaErrorCode.NOT_LEADER_OR_FOLLOWER);
  });

  it.each(each('FindCoordinator'))('FindCoordinator v%i', async (v) => {
    const c = await cluster();
    const input = v >= 4 ? { keyType: 0, coordinatorKeys: ['g1', 'g2'] } : { key: 'g1', keyType: 0 };
    const r = await call(c, 2, 'FindCoordinator', v, input);
    const found = v >= 4 ? r.coordinators[0]! : r;
    expect(found.errorCode).toBe(0);
    expect(c.nodeIds).toContain(found.nodeId);
    expect(found.port).toBe(9092 + found.nodeId - 1);
    if (v >= 4) expect(r.coordinators.map((x) => x.key)).toEqual(['g1', 'g2']);
  });

  it.each(each('JoinGroup'))(
    'JoinGroup v%i, then SyncGroup, Heartbeat, OffsetCommit, LeaveGroup',
    async (v) => {
      const c = await cluster();
      const groupId = `group-${v}`;
      const coordinator = await coordinatorOf(c, groupId);
      const other = c.nodeIds.find((n) => n !== coordinator)!;
      const join = {
        groupId,
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 10_000,
        memberId: '',
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.from('subscription') }],
      };
      expect((await call(c, other, 'JoinGroup', v, join)).errorCode).toBe(KafkaErrorCode.NOT_COORDINATOR);
      let joined = await call(c, coordinator, 'JoinGroup', v, join);
      if (v >= 4) {
        expect(joined.errorCode).toBe(KafkaErrorCode.MEMBER_ID_REQUIRED);
        joined = await call(c, coordinator, 'JoinGroup', v, { ...join, memberId: joined.memberId });
      }
      expect(joined).toMatchObject({
        errorCode: 0,
        generationId: 1,
        protocolName: 'range',
        leader: joined.memberId,
      });
      expect(joined.members.map((m) => m.metadata.toString())).toEqual(['subscription']);

      const memberId = joined.memberId;
      for (const sv of versionsOf(0, SERVED_VERSIONS.SyncGroup.max)) {
        const synced = await call(c, coordinator, 'SyncGroup', sv, {
          groupId,
          generationId: 1,
          memberId,
          protocolType: sv >= 5 ? 'consumer' : null,
          protocolName: sv >= 5 ? 'range' : null,
          assignments: [{ memberId, assignment: Buffer.from('mine') }],
        });
        expect(synced.errorCode).toBe(0);
        expect(synced.assignment.toString()).toBe('mine');
      }
      for (const hv of versionsOf(0, SERVED_VERSIONS.Heartbeat.max)) {
        const beat = await call(c, coordinator, 'Heartbeat', hv, { groupId, generationId: 1, memberId });
        expect(beat.errorCode).toBe(0);
      }
      for (const lv of versionsOf(0, SERVED_VERSIONS.LeaveGroup.max)) {
        const left = await call(
          c,
          coordinator,
          'LeaveGroup',
          lv,
          lv >= 3 ? { groupId, members: [{ memberId: 'nobody' }] } : { groupId, memberId: 'nobody' },
        );
        const code = lv >= 3 ? left.members[0]!.errorCode : left.errorCode;
        expect(code).toBe(KafkaErrorCode.UNKNOWN_MEMBER_ID);
      }
    },
  );

  it.each(each('OffsetCommit'))('OffsetCommit v%i and OffsetFetch at every version', async (v) => {
    const c = await cluster();
    const groupId = `standalone-${v}`;
    const coordinator = await coordinatorOf(c, groupId);
    const topicId = (await call(c, 1, 'Metadata', 12, { topics: null })).topics[0]!.topicId;
    const committed = await call(c, coordinator, 'OffsetCommit', v, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [
        {
          name: 't',
          topicId,
          partitions: [
            { partitionIndex: 0, committedOffset: BigInt(5 + v), committedMetadata: 'm' },
            { partitionIndex: 9, committedOffset: 1n, committedMetadata: null },
          ],
        },
      ],
    });
    expect(committed.topics[0]!.partitions.map((p) => p.errorCode)).toEqual([
      0,
      KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ]);
    for (const fv of each('OffsetFetch')) {
      const topics = [{ name: 't', topicId, partitionIndexes: [0, 1] }];
      const fetched = await call(
        c,
        coordinator,
        'OffsetFetch',
        fv,
        fv >= 8 ? { groups: [{ groupId, topics }] } : { groupId, topics },
      );
      const partitions = fv >= 8 ? fetched.groups[0]!.topics[0]!.partitions : fetched.topics[0]!.partitions;
      expect(partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata])).toEqual([
        [0, BigInt(5 + v), 'm'],
        [1, -1n, ''],
      ]);
    }
  });

  it.each(each('DescribeGroups'))('DescribeGroups v%i and ListGroups', async (v) => {
    const c = await cluster();
    const coordinator = await coordinatorOf(c, 'described');
    await call(c, coordinator, 'OffsetCommit', 8, {
      groupId: 'described',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: '' }] },
      ],
    });
    const r = await call(c, coordinator, 'DescribeGroups', v, { groups: ['described'] });
    expect(r.groups[0]).toMatchObject({ errorCode: 0, groupState: 'Empty', members: [] });
    const unknown = await call(c, await coordinatorOf(c, 'unknown'), 'DescribeGroups', v, {
      groups: ['unknown'],
    });
    expect(unknown.groups[0]!.errorCode).toBe(v >= 6 ? KafkaErrorCode.GROUP_ID_NOT_FOUND : 0);
    if (v < 6) expect(unknown.groups[0]!.groupState).toBe('Dead');
    for (const lv of each('ListGroups')) {
      const listed = await call(c, coordinator, 'ListGroups', lv, {});
      expect(listed.groups.map((g) => g.groupId)).toEqual(['described']);
      if (lv >= 4) expect(listed.groups[0]!.groupState).toBe('Empty');
    }
  });

  it.each(each('CreateTopics'))('CreateTopics v%i and DeleteTopics', async (v) => {
    const c = await cluster();
    const r = await call(c, 2, 'CreateTopics', v, {
      topics: [
        { name: 'fresh', numPartitions: 5, replicationFactor: 1, assignments: [], configs: [] },
        { name: 't', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 1000,
    });
    expect(r.topics.map((t) => t.errorCode)).toEqual([0, KafkaErrorCode.TOPIC_ALREADY_EXISTS]);
    if (v >= 5) expect(r.topics[0]!.numPartitions).toBe(5);
    expect(c.partitionCount('fresh')).toBe(5);
    for (const dv of each('DeleteTopics')) {
      const name = `gone-${dv}`;
      c.createTopic(name);
      const input =
        dv >= 6
          ? { topics: [{ name, topicId: '00000000-0000-0000-0000-000000000000' }] }
          : { topicNames: [name] };
      const deleted = await call(c, 1, 'DeleteTopics', dv, { ...input, timeoutMs: 1000 });
      expect(deleted.responses[0]!.errorCode).toBe(0);
      expect(c.topicNames).not.toContain(name);
    }
  });
});
