/** CreatePartitions, DeleteRecords and DeleteGroups: their effects on Metadata, Produce, ListOffsets, Fetch and OffsetFetch. */
import { KafkaErrorCode as E } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { MemoryCluster } from '../../src/cluster/memory-cluster.js';
import { makeBatch, produceRequest, T0 } from '../helpers.js';
import { call, coordinatorOf, fill } from '../server/helpers.js';
import { expectHostileFramesRefused } from './hostile.js';

function cluster() {
  return new MemoryCluster({
    brokers: 2,
    clock: new ManualClock(T0),
    topics: { t: { partitions: 1, leaders: [1] } },
  });
}

describe('CreatePartitions', () => {
  it.each([0, 1, 2, 3])('v%i: new partitions are in Metadata and take produces at once', async (v) => {
    const c = cluster();
    const r = await call(c, 2, 'CreatePartitions', v, {
      topics: [{ name: 't', count: 3, assignments: null }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(r.results).toEqual([{ name: 't', errorCode: E.NONE, errorMessage: null }]);
    const md = await call(c, 1, 'Metadata', 12, { topics: [{ name: 't' }], allowAutoTopicCreation: false });
    expect(md.topics[0]!.partitions.map((p) => p.partitionIndex)).toEqual([0, 1, 2]);
    const leader = c.leaderOf('t', 2);
    const produced = await c.request(
      leader,
      'p',
      'Produce',
      produceRequest('t', 2, makeBatch({ count: 2 })),
      9,
    );
    expect(produced!.responses[0]!.partitionResponses[0]).toMatchObject({
      errorCode: E.NONE,
      baseOffset: 0n,
    });
  });

  it('honours assignments and validateOnly; refuses what Kafka refuses', async () => {
    const c = cluster();
    const r = await call(c, 1, 'CreatePartitions', 3, {
      topics: [
        { name: 't', count: 3, assignments: [{ brokerIds: [2, 1] }, { brokerIds: [1] }] },
        { name: 'missing', count: 2, assignments: null },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(r.results.map((x) => x.errorCode)).toEqual([E.NONE, E.UNKNOWN_TOPIC_OR_PARTITION]);
    expect([c.leaderOf('t', 1), c.leaderOf('t', 2)]).toEqual([2, 1]);
    const refused = await call(c, 1, 'CreatePartitions', 3, {
      topics: [
        { name: 't', count: 2, assignments: null },
        { name: 'u', count: 1, assignments: null },
        { name: 'u', count: 2, assignments: null },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(refused.results.map((x) => [x.name, x.errorCode, x.errorMessage])).toEqual([
      ['u', E.INVALID_REQUEST, 'Duplicate topic name.'],
      ['t', E.INVALID_PARTITIONS, 'The topic t currently has 3 partition(s); 2 would not be an increase.'],
    ]);
    const more = await call(c, 1, 'CreatePartitions', 3, {
      topics: [
        { name: 't', count: 3, assignments: null },
        { name: 't2', count: 2, assignments: null },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(more.results.map((x) => x.errorCode)).toEqual([
      E.INVALID_PARTITIONS,
      E.UNKNOWN_TOPIC_OR_PARTITION,
    ]);
    c.createTopic('w', { partitions: 1 });
    const badAssignment = await call(c, 1, 'CreatePartitions', 3, {
      topics: [{ name: 'w', count: 3, assignments: [{ brokerIds: [9] }, { brokerIds: [1] }] }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(badAssignment.results[0]!.errorCode).toBe(E.INVALID_REPLICA_ASSIGNMENT);
    const dry = await call(c, 1, 'CreatePartitions', 3, {
      topics: [{ name: 'w', count: 5, assignments: null }],
      timeoutMs: 1000,
      validateOnly: true,
    });
    expect(dry.results[0]!.errorCode).toBe(E.NONE);
    expect(c.partitionCount('w')).toBe(1);
  });
});

describe('excessive batches', () => {
  it('CreatePartitions and CreateTopics past 10,000 new records fail whole with POLICY_VIOLATION, at once', async () => {
    const c = cluster();
    const grow = await call(c, 1, 'CreatePartitions', 3, {
      topics: [
        { name: 't', count: 2_147_483_647, assignments: null },
        { name: 'missing', count: 2, assignments: null },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(grow.results.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [E.POLICY_VIOLATION, 'Unable to perform excessively large batch operation.'],
      [E.POLICY_VIOLATION, 'Unable to perform excessively large batch operation.'],
    ]);
    const create = await call(c, 1, 'CreateTopics', 7, {
      topics: [
        { name: 'huge', numPartitions: 2_147_483_647, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 1000,
      validateOnly: true,
    });
    expect(create.topics[0]!.errorCode).toBe(E.POLICY_VIOLATION);
    expect(c.partitionCount('t')).toBe(1);
    expect(c.topicNames).not.toContain('huge');
  });
});

describe('DeleteRecords', () => {
  it('moves the log start offset; ListOffsets, Fetch and Produce see it; producer state is kept', async () => {
    const c = cluster();
    await fill(c, 't', 0, 3, 4); // offsets 0..11, pid 1000
    const r = await call(c, 1, 'DeleteRecords', 2, {
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset: 6n }] }],
      timeoutMs: 1000,
    });
    expect(r.topics).toEqual([
      { name: 't', partitions: [{ partitionIndex: 0, lowWatermark: 6n, errorCode: E.NONE }] },
    ]);
    expect(c.readLog('t', 0).logStartOffset).toBe(6);
    const earliest = await call(c, 1, 'ListOffsets', 7, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -2n, currentLeaderEpoch: -1 }] }],
    });
    expect(earliest.topics[0]!.partitions[0]!.offset).toBe(6n);
    const fetch = await call(c, 1, 'Fetch', 12, {
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: 2n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [],
    });
    expect(fetch.responses[0]!.partitions[0]).toMatchObject({
      errorCode: E.OFFSET_OUT_OF_RANGE,
      logStartOffset: -1n, // as Kafka 4.3 answers an out-of-range fetch
    });
    // The producer's entry survives (KIP-360): the next sequence appends, a retry of the first batch is refused.
    expect(c.describeProducers('t', 0)).toHaveLength(1);
    const next = await c.request(
      1,
      'p',
      'Produce',
      produceRequest('t', 0, makeBatch({ count: 1, baseSequence: 12 })),
      9,
    );
    expect(next!.responses[0]!.partitionResponses[0]).toMatchObject({
      errorCode: E.NONE,
      baseOffset: 12n,
      logStartOffset: 6n,
    });
    // -1 deletes up to the high watermark; an offset past it is out of range; a follower is not the leader.
    const all = await call(c, 1, 'DeleteRecords', 0, {
      topics: [
        {
          name: 't',
          partitions: [
            { partitionIndex: 0, offset: -1n },
            { partitionIndex: 4, offset: 0n },
          ],
        },
        { name: 'missing', partitions: [{ partitionIndex: 0, offset: 0n }] },
      ],
      timeoutMs: 1000,
    });
    expect(all.topics.map((t) => t.partitions.map((p) => [p.errorCode, p.lowWatermark]))).toEqual([
      [
        [E.NONE, 13n],
        [E.UNKNOWN_TOPIC_OR_PARTITION, -1n],
      ],
      [[E.UNKNOWN_TOPIC_OR_PARTITION, -1n]],
    ]);
    const bad = await call(c, 1, 'DeleteRecords', 1, {
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset: 99n }] }],
      timeoutMs: 1000,
    });
    expect(bad.topics[0]!.partitions[0]!.errorCode).toBe(E.OFFSET_OUT_OF_RANGE);
    const follower = await call(c, 2, 'DeleteRecords', 1, {
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset: 0n }] }],
      timeoutMs: 1000,
    });
    expect(follower.topics[0]!.partitions[0]!.errorCode).toBe(E.NOT_LEADER_OR_FOLLOWER);
    // Below the log start offset: nothing moves.
    const below = await call(c, 1, 'DeleteRecords', 2, {
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset: 3n }] }],
      timeoutMs: 1000,
    });
    expect(below.topics[0]!.partitions[0]).toMatchObject({ errorCode: E.NONE, lowWatermark: 13n });
  });
});

describe('DeleteGroups', () => {
  it.each([0, 1, 2])(
    'v%i deletes an empty group and its offsets; unknown groups are GROUP_ID_NOT_FOUND',
    async (v) => {
      const c = cluster();
      const coordinator = await coordinatorOf(c, 'g');
      const commit = await call(c, coordinator, 'OffsetCommit', 8, {
        groupId: 'g',
        generationIdOrMemberEpoch: -1,
        memberId: '',
        topics: [
          { name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5n, committedMetadata: null }] },
        ],
      });
      expect(commit.topics[0]!.partitions[0]!.errorCode).toBe(E.NONE);
      const other = c.nodeIds.find((n) => n !== coordinator)!;
      const notHere = await call(c, other, 'DeleteGroups', v, { groupsNames: ['g'] });
      expect(notHere.results).toEqual([{ groupId: 'g', errorCode: E.NOT_COORDINATOR }]);
      const r = await call(c, coordinator, 'DeleteGroups', v, { groupsNames: ['g'] });
      expect(r.results).toEqual([{ groupId: 'g', errorCode: E.NONE }]);
      const fetched = await call(c, coordinator, 'OffsetFetch', 7, {
        groupId: 'g',
        topics: [{ name: 't', partitionIndexes: [0] }],
      });
      expect(fetched.topics[0]!.partitions[0]!.committedOffset).toBe(-1n);
      const again = await call(c, coordinator, 'DeleteGroups', v, { groupsNames: ['g'] });
      expect(again.results[0]!.errorCode).toBe(E.GROUP_ID_NOT_FOUND);
    },
  );
});

describe('hostile input', () => {
  it('CreatePartitions, DeleteRecords and DeleteGroups frames cut short or oversized', async () => {
    const c = cluster();
    for (const v of [0, 2, 3]) {
      await expectHostileFramesRefused(c, 'CreatePartitions', v, {
        topics: [{ name: 't', count: 1, assignments: [{ brokerIds: [1] }] }],
        timeoutMs: 1,
        validateOnly: true,
      });
    }
    for (const v of [0, 2]) {
      await expectHostileFramesRefused(c, 'DeleteRecords', v, {
        topics: [{ name: 'nope', partitions: [{ partitionIndex: 0, offset: 0n }] }],
        timeoutMs: 1,
      });
      await expectHostileFramesRefused(c, 'DeleteGroups', v, { groupsNames: ['nope-1', 'nope-2'] });
    }
    expect(c.partitionCount('t')).toBe(1);
  }, 60_000);
});
