/** CreateTopics and DeleteTopics: partition counts, assignments, validation, configs, and Kafka's errors. */
import { KafkaErrorCode as E } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { MemoryCluster } from '../../src/cluster/memory-cluster.js';
import { makeBatch, produceRequest, T0 } from '../helpers.js';
import { call } from './helpers.js';

const topic = (name: string, more: Record<string, unknown> = {}) => ({
  name,
  numPartitions: -1,
  replicationFactor: -1,
  assignments: [],
  configs: [],
  ...more,
});

describe('CreateTopics', () => {
  it('creates topics with the requested partitions, the default count, or a manual assignment', async () => {
    const cluster = new MemoryCluster({ brokers: 3, defaultPartitions: 4 });
    const r = await call(cluster, 2, 'CreateTopics', 7, {
      topics: [
        topic('six', { numPartitions: 6, replicationFactor: 3 }),
        topic('default'),
        topic('placed', {
          assignments: [
            { partitionIndex: 0, brokerIds: [3, 1] },
            { partitionIndex: 1, brokerIds: [2, 3] },
          ],
        }),
      ],
    });
    expect(r.topics.map((t) => [t.name, t.errorCode, t.numPartitions, t.replicationFactor])).toEqual([
      ['six', 0, 6, 3],
      ['default', 0, 4, 1],
      ['placed', 0, 2, 2],
    ]);
    expect(r.topics[0]!.topicId).not.toBe('00000000-0000-0000-0000-000000000000');
    expect([cluster.leaderOf('placed', 0), cluster.leaderOf('placed', 1)]).toEqual([3, 2]);
    expect(cluster.partitionCount('six')).toBe(6);
  });

  it("answers Kafka's errors and creates nothing on validateOnly", async () => {
    const cluster = new MemoryCluster({ brokers: 2 });
    const r = await call(cluster, 1, 'CreateTopics', 5, {
      topics: [
        topic('zero', { numPartitions: 0 }),
        topic('too-replicated', { numPartitions: 1, replicationFactor: 3 }),
        topic('bad name!'),
        topic('bad-config', { configs: [{ name: 'message.timestamp.type', value: 'Sometimes' }] }),
        topic('both', { numPartitions: 2, assignments: [{ partitionIndex: 0, brokerIds: [1] }] }),
        topic('ghost-broker', { assignments: [{ partitionIndex: 0, brokerIds: [9] }] }),
      ],
    });
    expect(r.topics.map((t) => t.errorCode)).toEqual([
      E.INVALID_PARTITIONS,
      E.INVALID_REPLICATION_FACTOR,
      E.INVALID_TOPIC_EXCEPTION,
      E.INVALID_CONFIG,
      E.INVALID_REQUEST,
      E.INVALID_REPLICA_ASSIGNMENT,
    ]);
    const dry = await call(cluster, 1, 'CreateTopics', 5, { topics: [topic('dry')], validateOnly: true });
    expect(dry.topics[0]!.errorCode).toBe(0);
    expect(cluster.topicNames).toEqual([]);
  });

  it('applies the topic configs this broker models', async () => {
    const clock = new ManualClock(T0);
    const cluster = new MemoryCluster({ clock });
    const r = await call(cluster, 1, 'CreateTopics', 5, {
      topics: [
        topic('stamped', {
          configs: [
            { name: 'message.timestamp.type', value: 'LogAppendTime' },
            { name: 'cleanup.policy', value: 'compact' }, // accepted, not modelled
          ],
        }),
      ],
    });
    expect(r.topics[0]!.configs!.find((c) => c.name === 'message.timestamp.type')).toMatchObject({
      value: 'LogAppendTime',
      configSource: 1,
    });
    const produced = await cluster.request(1, 'p', 'Produce', produceRequest('stamped', 0, makeBatch()), 9);
    expect(produced!.responses[0]!.partitionResponses[0]!.logAppendTimeMs).toBe(BigInt(T0));
  });
});

describe('DeleteTopics', () => {
  it('deletes by name (and by id from v6), and reports unknown topics', async () => {
    const cluster = new MemoryCluster({ topics: { a: {}, b: {} } });
    const idOfB = (await call(cluster, 1, 'Metadata', 12, { topics: null })).topics.find(
      (t) => t.name === 'b',
    )!.topicId;
    const byName = await call(cluster, 1, 'DeleteTopics', 4, { topicNames: ['a', 'nope'], timeoutMs: 100 });
    expect(byName.responses.map((x) => x.errorCode)).toEqual([0, E.UNKNOWN_TOPIC_OR_PARTITION]);
    const byId = await call(cluster, 1, 'DeleteTopics', 6, {
      topics: [{ name: null, topicId: idOfB }],
      timeoutMs: 100,
    });
    expect(byId.responses[0]).toMatchObject({ errorCode: 0, name: 'b' });
    expect(cluster.topicNames).toEqual([]);
  });
});
