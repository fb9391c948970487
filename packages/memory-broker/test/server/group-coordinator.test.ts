/**
 * The classic group coordinator through JoinGroup/SyncGroup/Heartbeat/LeaveGroup/OffsetCommit: the
 * rebalance protocol with generations, the leader's assignment handed to every member, rebalances
 * when members join, leave or go silent, and Kafka's error codes. Time is a ManualClock.
 */
import { KafkaErrorCode as E, type JoinGroupResponse, type SyncGroupResponse } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { MemoryCluster } from '../../src/cluster/memory-cluster.js';
import { call, coordinatorOf } from './helpers.js';

const GROUP = 'readers';
const SESSION_MS = 10_000;
const REBALANCE_MS = 30_000;

async function setup() {
  const clock = new ManualClock();
  const cluster = new MemoryCluster({ brokers: 3, clock, topics: { t: { partitions: 3 } } });
  const node = await coordinatorOf(cluster, GROUP);
  const protocols = (names: string[]) =>
    names.map((name) => ({ name, metadata: Buffer.from(`${name}-meta`) }));
  const join = (memberId: string, names = ['range'], extra: Record<string, unknown> = {}) =>
    call(cluster, node, 'JoinGroup', 5, {
      groupId: GROUP,
      sessionTimeoutMs: SESSION_MS,
      rebalanceTimeoutMs: REBALANCE_MS,
      memberId,
      protocolType: 'consumer',
      protocols: protocols(names),
      ...extra,
    });
  const sync = (memberId: string, generationId: number, assignments: Record<string, string> = {}) =>
    call(cluster, node, 'SyncGroup', 3, {
      groupId: GROUP,
      generationId,
      memberId,
      assignments: Object.entries(assignments).map(([m, a]) => ({ memberId: m, assignment: Buffer.from(a) })),
    });
  const heartbeat = async (memberId: string, generationId: number) =>
    (await call(cluster, node, 'Heartbeat', 2, { groupId: GROUP, generationId, memberId })).errorCode;
  const describe = async () =>
    (await call(cluster, node, 'DescribeGroups', 5, { groups: [GROUP] })).groups[0]!;
  /**
   * Joins as a new member (v5: the MEMBER_ID_REQUIRED round trip first). `done` settles when the
   * join completes, which may wait for the rest of the group.
   */
  const joinNew = async (names?: string[]): Promise<{ done: Promise<JoinGroupResponse> }> => {
    const first = await join('', names);
    expect(first.errorCode).toBe(E.MEMBER_ID_REQUIRED);
    return { done: join(first.memberId, names) };
  };
  return { clock, cluster, node, join, joinNew, sync, heartbeat, describe };
}

/** True if the promise has settled by the time pending callbacks ran. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('group coordinator', () => {
  it('asks a new v4+ member for an id first (KIP-394), then forms generation 1 with it as leader', async () => {
    const g = await setup();
    const a = await (await g.joinNew()).done;
    expect(a).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range', leader: a.memberId });
    expect(a.members.map((m) => [m.memberId, m.metadata.toString()])).toEqual([[a.memberId, 'range-meta']]);
    const synced = await g.sync(a.memberId, 1, { [a.memberId]: 'partitions 0-2' });
    expect(synced).toMatchObject({ errorCode: 0 });
    expect(synced.assignment.toString()).toBe('partitions 0-2');
    expect(await g.heartbeat(a.memberId, 1)).toBe(E.NONE);
    expect(await g.describe()).toMatchObject({ groupState: 'Stable', protocolData: 'range' });
  });

  it('rebalances when a member joins: the leader hears REBALANCE_IN_PROGRESS, both get the next generation, the leader assigns', async () => {
    const g = await setup();
    const a = await (await g.joinNew()).done;
    await g.sync(a.memberId, 1, { [a.memberId]: 'all' });

    const bJoin = (await g.joinNew()).done;
    expect(await settled(bJoin)).toBe(false); // waits for A to rejoin
    expect(await g.heartbeat(a.memberId, 1)).toBe(E.REBALANCE_IN_PROGRESS);
    const aAgain = await g.join(a.memberId);
    const b = await bJoin;
    expect([aAgain.generationId, b.generationId]).toEqual([2, 2]);
    expect(aAgain.leader).toBe(a.memberId);
    expect(aAgain.members.map((m) => m.memberId).sort()).toEqual([a.memberId, b.memberId].sort());
    expect(b.members).toEqual([]); // only the leader sees the members

    const bSync = g.sync(b.memberId, 2);
    expect(await settled(bSync)).toBe(false); // waits for the leader's assignment
    const aSync = await g.sync(a.memberId, 2, { [a.memberId]: 'p0,p1', [b.memberId]: 'p2' });
    expect(aSync.assignment.toString()).toBe('p0,p1');
    expect((await bSync).assignment.toString()).toBe('p2');
    expect(await g.heartbeat(b.memberId, 1)).toBe(E.ILLEGAL_GENERATION);
    expect(await g.heartbeat(b.memberId, 2)).toBe(E.NONE);
  });

  it('drops a member whose session expires and rebalances the rest; a group left without members is Empty', async () => {
    const g = await setup();
    const a = await (await g.joinNew()).done;
    const bJoin = (await g.joinNew()).done;
    await g.join(a.memberId);
    const b = await bJoin;
    await g.sync(a.memberId, 2, { [a.memberId]: 'x', [b.memberId]: 'y' });

    g.clock.advance(SESSION_MS / 2);
    expect(await g.heartbeat(a.memberId, 2)).toBe(E.NONE); // A keeps its session, B stays silent
    g.clock.advance(SESSION_MS / 2 + 1);
    expect(await g.heartbeat(b.memberId, 2)).toBe(E.UNKNOWN_MEMBER_ID);
    expect(await g.heartbeat(a.memberId, 2)).toBe(E.REBALANCE_IN_PROGRESS);
    const alone = await g.join(a.memberId);
    expect(alone).toMatchObject({ generationId: 3, leader: a.memberId });
    expect(alone.members).toHaveLength(1);

    g.clock.advance(SESSION_MS + 1);
    expect(await g.describe()).toMatchObject({ groupState: 'Empty', members: [] });
  });

  it('completes a rebalance without members that do not rejoin within the rebalance timeout', async () => {
    const g = await setup();
    const a = await (await g.joinNew()).done;
    const bJoin = (await g.joinNew()).done;
    // A never rejoins, but keeps heartbeating (it is slow to notice the rebalance).
    for (let t = 0; t < REBALANCE_MS; t += SESSION_MS / 2) {
      expect(await g.heartbeat(a.memberId, 1)).toBe(E.REBALANCE_IN_PROGRESS);
      g.clock.advance(SESSION_MS / 2);
    }
    const b = await bJoin;
    expect(b).toMatchObject({ errorCode: 0, generationId: 2, leader: b.memberId });
    expect(b.members.map((m) => m.memberId)).toEqual([b.memberId]);
    expect(await g.heartbeat(a.memberId, 2)).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('rebalances when a member leaves; the remaining member becomes leader', async () => {
    const g = await setup();
    const a = await (await g.joinNew()).done;
    const bJoin = (await g.joinNew()).done;
    await g.join(a.memberId);
    const b = await bJoin;
    await g.sync(a.memberId, 2, {});
    const left = await call(g.cluster, g.node, 'LeaveGroup', 4, {
      groupId: GROUP,
      members: [{ memberId: a.memberId }],
    });
    expect(left.members[0]!.errorCode).toBe(E.NONE);
    expect(await g.heartbeat(b.memberId, 2)).toBe(E.REBALANCE_IN_PROGRESS);
    expect(await g.join(b.memberId)).toMatchObject({ generationId: 3, leader: b.memberId });
  });

  it('picks the protocol every member supports, by the members’ preference', async () => {
    const g = await setup();
    const aJoin = (await g.joinNew(['range', 'roundrobin'])).done;
    const a = await aJoin;
    expect(a.protocolName).toBe('range');
    const bJoin = (await g.joinNew(['roundrobin'])).done;
    const aAgain = await g.join(a.memberId, ['range', 'roundrobin']);
    await bJoin;
    expect(aAgain.protocolName).toBe('roundrobin');
    expect(aAgain.members.map((m) => m.metadata.toString())).toEqual(['roundrobin-meta', 'roundrobin-meta']);
  });

  it("answers Kafka's errors", async () => {
    const g = await setup();
    const a = await (await g.joinNew()).done;
    const other = g.cluster.nodeIds.find((n) => n !== g.node)!;
    const heartbeatElsewhere = await call(g.cluster, other, 'Heartbeat', 2, {
      groupId: GROUP,
      generationId: 1,
      memberId: a.memberId,
    });
    expect(heartbeatElsewhere.errorCode).toBe(E.NOT_COORDINATOR);
    expect((await g.join('', ['range'], { protocolType: 'connect' })).errorCode).toBe(
      E.INCONSISTENT_GROUP_PROTOCOL,
    );
    expect((await g.join('', ['range'], { sessionTimeoutMs: 10 })).errorCode).toBe(E.INVALID_SESSION_TIMEOUT);
    expect((await g.join('someone-else')).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    expect(await g.heartbeat('someone-else', 1)).toBe(E.UNKNOWN_MEMBER_ID);
    const syncStale: SyncGroupResponse = await g.sync(a.memberId, 7);
    expect(syncStale.errorCode).toBe(E.ILLEGAL_GENERATION);

    const commit = (generationIdOrMemberEpoch: number, memberId: string) =>
      call(g.cluster, g.node, 'OffsetCommit', 8, {
        groupId: GROUP,
        generationIdOrMemberEpoch,
        memberId,
        topics: [
          { name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5n, committedMetadata: '' }] },
        ],
      });
    // Generation 1 is formed but not yet synced: commits wait for the assignment.
    expect((await commit(1, a.memberId)).topics[0]!.partitions[0]!.errorCode).toBe(E.REBALANCE_IN_PROGRESS);
    await g.sync(a.memberId, 1, {});
    expect((await commit(0, a.memberId)).topics[0]!.partitions[0]!.errorCode).toBe(E.ILLEGAL_GENERATION);
    expect((await commit(1, 'stranger')).topics[0]!.partitions[0]!.errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    expect((await commit(-1, '')).topics[0]!.partitions[0]!.errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    expect((await commit(1, a.memberId)).topics[0]!.partitions[0]!.errorCode).toBe(E.NONE);
  });
});
