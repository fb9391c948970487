import { KafkaErrorCode } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import { MemoryCluster } from '../src/cluster/memory-cluster.js';

describe('Metadata', () => {
  it('auto-creates an unknown topic, answering LEADER_NOT_AVAILABLE first, then leaders round-robin', async () => {
    const cluster = new MemoryCluster({ brokers: 3, defaultPartitions: 4, clock: new ManualClock() });
    const client = cluster.connect();
    const first = await client.metadata(['orders']);
    expect(first.topics).toMatchObject([
      { name: 'orders', errorCode: KafkaErrorCode.LEADER_NOT_AVAILABLE, partitions: [] },
    ]);
    const second = await client.metadata(['orders']);
    const topic = second.topics[0]!;
    expect(topic.errorCode).toBe(0);
    expect(topic.topicId).not.toBe('00000000-0000-0000-0000-000000000000');
    expect(topic.partitions.map((p) => [p.partitionIndex, p.leaderId, p.leaderEpoch])).toEqual([
      [0, 1, 0],
      [1, 2, 0],
      [2, 3, 0],
      [3, 1, 0],
    ]);
    expect(second.brokers.map((b) => [b.nodeId, b.port])).toEqual([
      [1, 9092],
      [2, 9093],
      [3, 9094],
    ]);
    expect(second.clusterId).toBe('idem-memory-cluster');
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION when auto-creation is off, INVALID_TOPIC_EXCEPTION for a bad name', async () => {
    const cluster = new MemoryCluster({ autoCreateTopics: false });
    const client = cluster.connect();
    const r = await client.metadata(['missing', 'bad name!']);
    expect(r.topics.map((t) => t.errorCode)).toEqual([
      KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      KafkaErrorCode.INVALID_TOPIC_EXCEPTION,
    ]);
    expect(cluster.topicNames).toEqual([]);
  });

  it('reports a moved leader with a bumped leader epoch, and no leader while its broker is down', async () => {
    const clock = new ManualClock();
    const cluster = new MemoryCluster({ brokers: 2, clock, topics: { t: { partitions: 1 } } });
    const client = cluster.connect();
    expect(cluster.faults.moveLeader('t', 0)).toBe(2);
    const moved = (await client.metadata(['t'])).topics[0]!.partitions[0]!;
    expect([moved.leaderId, moved.leaderEpoch, moved.replicaNodes]).toEqual([2, 1, [2, 1]]);
    cluster.faults.restartBroker(2, { downMs: 1000 });
    const down = await client.metadata(['t']);
    expect(down.brokers.map((b) => b.nodeId)).toEqual([1]);
    expect(down.topics[0]!.partitions[0]).toMatchObject({
      errorCode: KafkaErrorCode.LEADER_NOT_AVAILABLE,
      leaderId: -1,
      offlineReplicas: [2],
    });
    clock.advance(1000);
    expect((await client.metadata(['t'])).topics[0]!.partitions[0]!.leaderId).toBe(2);
  });
});
