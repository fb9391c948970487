/** DescribeCluster, DescribeTopicPartitions, Metadata v13, and ListGroups for a group its members left. */
import { KafkaErrorCode as E } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { MemoryCluster } from '../../src/cluster/memory-cluster.js';
import { T0 } from '../helpers.js';
import { call } from '../server/helpers.js';
import { expectHostileFramesRefused } from './hostile.js';

const clock = () => new ManualClock(T0);

function cluster(manual = clock()) {
  return new MemoryCluster({
    brokers: 3,
    clock: manual,
    topics: { b: { partitions: 3 }, a: { partitions: 2 } },
  });
}

describe('DescribeCluster', () => {
  it.each([0, 1, 2])(
    'v%i lists the live brokers; a stopped broker is listed fenced only when asked',
    async (v) => {
      const manual = clock();
      const c = cluster(manual);
      const r = await call(c, 2, 'DescribeCluster', v, {
        includeClusterAuthorizedOperations: false,
        endpointType: 1,
      });
      expect(r).toMatchObject({
        errorCode: E.NONE,
        clusterId: 'idem-memory-cluster',
        controllerId: 1,
        clusterAuthorizedOperations: -2147483648,
      });
      expect(r.brokers.map((b) => [b.brokerId, b.host, b.port])).toEqual([
        [1, '127.0.0.1', 9092],
        [2, '127.0.0.1', 9093],
        [3, '127.0.0.1', 9094],
      ]);
      c.stopBroker(3, { failoverAfterMs: 1 });
      manual.advance(1);
      const fenced = await call(c, 1, 'DescribeCluster', v, {
        includeClusterAuthorizedOperations: true,
        endpointType: 1,
        includeFencedBrokers: v >= 2,
      });
      expect(fenced.brokers.map((b) => [b.brokerId, b.isFenced])).toEqual(
        v >= 2
          ? [
              [1, false],
              [2, false],
              [3, true],
            ]
          : [
              [1, false],
              [2, false],
            ],
      );
      expect(fenced.clusterAuthorizedOperations).toBe(8096);
    },
  );

  it('refuses the controller endpoint type', async () => {
    const r = await call(cluster(), 1, 'DescribeCluster', 1, {
      includeClusterAuthorizedOperations: false,
      endpointType: 2,
    });
    expect([r.errorCode, r.brokers]).toEqual([E.MISMATCHED_ENDPOINT_TYPE, []]);
  });
});

describe('DescribeTopicPartitions', () => {
  it('lists every topic by name, pages by partition with a cursor, and names unknown topics', async () => {
    const c = cluster();
    const all = await call(c, 1, 'DescribeTopicPartitions', 0, { topics: [] });
    expect(all.topics.map((t) => [t.name, t.partitions.length, t.topicAuthorizedOperations])).toEqual([
      ['a', 2, 3576],
      ['b', 3, 3576],
    ]);
    expect(all.nextCursor).toBeNull();
    expect(all.topics[1]!.partitions[0]).toMatchObject({
      errorCode: 0,
      partitionIndex: 0,
      leaderId: c.leaderOf('b', 0),
      eligibleLeaderReplicas: [],
      lastKnownElr: [],
    });
    const first = await call(c, 1, 'DescribeTopicPartitions', 0, {
      topics: [{ name: 'b' }, { name: 'a' }, { name: 'zz' }],
      responsePartitionLimit: 3,
    });
    expect(first.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)])).toEqual([
      ['a', [0, 1]],
      ['b', [0]],
    ]);
    expect(first.nextCursor).toEqual({ topicName: 'b', partitionIndex: 1 });
    const rest = await call(c, 1, 'DescribeTopicPartitions', 0, {
      topics: [{ name: 'b' }, { name: 'a' }, { name: 'zz' }],
      responsePartitionLimit: 3,
      cursor: first.nextCursor,
    });
    expect(rest.topics.map((t) => [t.name, t.errorCode, t.partitions.map((p) => p.partitionIndex)])).toEqual([
      ['b', 0, [1, 2]],
      ['zz', E.UNKNOWN_TOPIC_OR_PARTITION, []],
    ]);
    expect(rest.nextCursor).toBeNull();
  });
});

describe('Metadata v13', () => {
  it('answers as v12 does, with the top-level error code', async () => {
    const c = cluster();
    const v12 = await call(c, 1, 'Metadata', 12, { topics: null });
    const v13 = await call(c, 1, 'Metadata', 13, { topics: null });
    expect(v13).toEqual(v12);
    expect(v13.errorCode).toBe(E.NONE);
  });
});

describe('hostile input', () => {
  it('DescribeCluster, DescribeTopicPartitions and Metadata v13 frames cut short or oversized', async () => {
    const c = cluster();
    for (const v of [0, 2]) {
      await expectHostileFramesRefused(c, 'DescribeCluster', v, {
        includeClusterAuthorizedOperations: true,
        endpointType: 1,
        includeFencedBrokers: v >= 2,
      });
    }
    await expectHostileFramesRefused(c, 'DescribeTopicPartitions', 0, {
      topics: [{ name: 'a' }, { name: 'b' }],
      responsePartitionLimit: 5,
      cursor: { topicName: 'a', partitionIndex: 1 },
    });
    await expectHostileFramesRefused(c, 'Metadata', 13, {
      topics: [{ name: 'a', topicId: '00000000-0000-0000-0000-000000000000' }],
      allowAutoTopicCreation: false,
    });
    expect((await call(c, 1, 'DescribeTopicPartitions', 0, { topics: [] })).topics).toHaveLength(2);
  }, 60_000);
});
