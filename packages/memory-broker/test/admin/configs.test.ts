/** DescribeConfigs, IncrementalAlterConfigs and AlterConfigs: Kafka's defaults, sources, synonyms and errors. */
import { type DescribeConfigsResponseDescribeConfigsResourceResult, KafkaErrorCode as E } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { MemoryCluster } from '../../src/cluster/memory-cluster.js';
import { makeBatch, produceRequest, T0 } from '../helpers.js';
import { call, versionsOf } from '../server/helpers.js';
import { expectHostileFramesRefused } from './hostile.js';

const TOPIC = 2;
const BROKER = 4;
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

function cluster(options: ConstructorParameters<typeof MemoryCluster>[0] = {}) {
  return new MemoryCluster({
    brokers: 2,
    clock: new ManualClock(T0),
    topics: { t: { partitions: 1 } },
    ...options,
  });
}

async function describeTopic(c: MemoryCluster, name: string, keys: string[] | null = null, version = 4) {
  const r = await call(c, 1, 'DescribeConfigs', version, {
    resources: [{ resourceType: TOPIC, resourceName: name, configurationKeys: keys }],
    includeSynonyms: true,
  });
  return r.results[0]!;
}

type Entry = DescribeConfigsResponseDescribeConfigsResourceResult;
const entry = (c: { configs: Entry[] }, name: string) => c.configs.find((e) => e.name === name);

describe('DescribeConfigs', () => {
  it("describes every topic config with Kafka's defaults, types and broker synonyms", async () => {
    const c = cluster();
    const r = await describeTopic(c, 't');
    expect(r.errorCode).toBe(E.NONE);
    expect(r.configs).toHaveLength(33);
    expect(entry(r, 'max.message.bytes')).toEqual({
      name: 'max.message.bytes',
      value: '1048588',
      readOnly: false,
      configSource: 5,
      isSensitive: false,
      synonyms: [{ name: 'message.max.bytes', value: '1048588', source: 5 }],
      configType: 3,
      documentation: null,
    });
    expect(entry(r, 'cleanup.policy')).toMatchObject({ value: 'delete', configType: 7 });
    expect(entry(r, 'retention.ms')).toMatchObject({ value: '604800000', configSource: 5, synonyms: [] });
    expect(entry(r, 'segment.bytes')).toMatchObject({ value: '1073741824', configType: 3 });
    expect(entry(r, 'message.timestamp.before.max.ms')).toMatchObject({ value: '9223372036854775807' });
    // Kafka 4.3's controller writes min.insync.replicas as a cluster-wide dynamic default.
    expect(entry(r, 'min.insync.replicas')).toMatchObject({
      value: '1',
      configSource: 3,
      synonyms: [
        { name: 'min.insync.replicas', value: '1', source: 3 },
        { name: 'min.insync.replicas', value: '1', source: 5 },
      ],
    });
  });

  it('filters by key, drops synonyms unless asked, and reports cluster options as static broker config', async () => {
    const c = cluster({ topicDefaults: { maxMessageBytes: 5000 } });
    const r = await call(c, 1, 'DescribeConfigs', 1, {
      resources: [
        { resourceType: TOPIC, resourceName: 't', configurationKeys: ['max.message.bytes', 'nope'] },
      ],
      includeSynonyms: false,
    });
    expect(r.results[0]!.configs).toEqual([
      expect.objectContaining({ name: 'max.message.bytes', value: '5000', configSource: 4, synonyms: [] }),
    ]);
    const withSynonyms = await describeTopic(c, 't', ['max.message.bytes']);
    expect(withSynonyms.configs[0]!.synonyms).toEqual([
      { name: 'message.max.bytes', value: '5000', source: 4 },
      { name: 'message.max.bytes', value: '1048588', source: 5 },
    ]);
  });

  it('describes a broker, and only the cluster-wide dynamic configs for the empty name', async () => {
    const c = cluster({ defaultPartitions: 3 });
    const r = await call(c, 2, 'DescribeConfigs', 4, {
      resources: [
        { resourceType: BROKER, resourceName: '2', configurationKeys: null },
        { resourceType: BROKER, resourceName: '', configurationKeys: null },
        { resourceType: BROKER, resourceName: '1', configurationKeys: null },
        { resourceType: BROKER, resourceName: 'x', configurationKeys: null },
        { resourceType: 32, resourceName: 'g', configurationKeys: null },
      ],
      includeSynonyms: true,
    });
    const [own, cluster_, other, bad, group] = r.results;
    expect(entry(own!, 'node.id')).toMatchObject({ value: '2', configSource: 4, readOnly: true });
    expect(entry(own!, 'num.partitions')).toMatchObject({
      value: '3',
      configSource: 4,
      readOnly: true,
      synonyms: [
        { name: 'num.partitions', value: '3', source: 4 },
        { name: 'num.partitions', value: '1', source: 5 },
      ],
    });
    expect(entry(own!, 'message.max.bytes')).toMatchObject({
      value: '1048588',
      readOnly: false,
      configSource: 5,
    });
    expect(entry(own!, 'log.retention.ms')).toMatchObject({ value: null, synonyms: [] });
    expect(cluster_!.configs).toEqual([
      expect.objectContaining({
        name: 'min.insync.replicas',
        value: '1',
        configSource: 3,
        synonyms: [{ name: 'min.insync.replicas', value: '1', source: 3 }],
      }),
    ]);
    expect([other!.errorCode, other!.errorMessage]).toEqual([
      E.INVALID_REQUEST,
      'Unexpected broker id, expected 2 or empty string, but received 1',
    ]);
    expect([bad!.errorCode, bad!.errorMessage]).toEqual([
      E.INVALID_REQUEST,
      'Broker id must be an integer, but it is: x',
    ]);
    expect(group!.errorCode).toBe(E.INVALID_REQUEST);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION and INVALID_TOPIC_EXCEPTION per resource', async () => {
    const c = cluster();
    expect((await describeTopic(c, 'missing')).errorCode).toBe(E.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await describeTopic(c, 'bad name!')).errorCode).toBe(E.INVALID_TOPIC_EXCEPTION);
  });

  it.each(versionsOf(1, 4))('v%i encodes', async (v) => {
    const r = await describeTopic(cluster(), 't', null, v);
    expect(r.configs).toHaveLength(33);
    expect(entry(r, 'max.message.bytes')!.synonyms).toHaveLength(1);
  });
});

describe('IncrementalAlterConfigs', () => {
  it('SET changes what Produce accepts, DELETE restores the default; the change is described back', async () => {
    const c = cluster();
    const batch = makeBatch({ count: 20 });
    const alter = (configs: unknown[], validateOnly = false) =>
      call(c, 1, 'IncrementalAlterConfigs', 1, {
        resources: [{ resourceType: TOPIC, resourceName: 't', configs }],
        validateOnly,
      });
    const small = [{ name: 'max.message.bytes', configOperation: SET, value: String(batch.length - 1) }];
    expect((await alter(small, true)).responses[0]!.errorCode).toBe(E.NONE);
    expect(await produce(c, batch)).toBe(E.NONE); // validateOnly changed nothing
    expect((await alter(small)).responses).toEqual([
      { errorCode: E.NONE, errorMessage: null, resourceType: TOPIC, resourceName: 't' },
    ]);
    expect(await produce(c, makeBatch({ count: 20, baseSequence: 20 }))).toBe(E.MESSAGE_TOO_LARGE);
    expect(entry(await describeTopic(c, 't'), 'max.message.bytes')).toMatchObject({
      value: String(batch.length - 1),
      configSource: 1,
      synonyms: [
        { name: 'max.message.bytes', value: String(batch.length - 1), source: 1 },
        { name: 'message.max.bytes', value: '1048588', source: 5 },
      ],
    });
    await alter([{ name: 'max.message.bytes', configOperation: DELETE, value: null }]);
    expect(await produce(c, makeBatch({ count: 20, baseSequence: 20 }))).toBe(E.NONE);
    expect(entry(await describeTopic(c, 't'), 'max.message.bytes')).toMatchObject({ configSource: 5 });
  });

  it('stores configs it does not act on, APPEND/SUBTRACT lists, and refuses bad changes', async () => {
    const c = cluster();
    const r = await call(c, 1, 'IncrementalAlterConfigs', 0, {
      resources: [
        {
          resourceType: TOPIC,
          resourceName: 't',
          configs: [
            { name: 'retention.ms', configOperation: SET, value: '1000' },
            { name: 'cleanup.policy', configOperation: APPEND, value: 'compact' },
          ],
        },
        { resourceType: TOPIC, resourceName: 'missing', configs: [] },
        {
          resourceType: TOPIC,
          resourceName: 'bad-value',
          configs: [{ name: 'retention.ms', configOperation: SET, value: 'soon' }],
        },
        { resourceType: 9, resourceName: 'x', configs: [] },
      ],
      validateOnly: false,
    });
    expect(r.responses.map((x) => x.errorCode)).toEqual([
      E.NONE,
      E.UNKNOWN_TOPIC_OR_PARTITION,
      E.UNKNOWN_TOPIC_OR_PARTITION,
      E.INVALID_REQUEST,
    ]);
    const d = await describeTopic(c, 't');
    expect(entry(d, 'retention.ms')).toMatchObject({ value: '1000', configSource: 1 });
    expect(entry(d, 'cleanup.policy')).toMatchObject({ value: 'delete,compact', configSource: 1 });
    const more = await call(c, 1, 'IncrementalAlterConfigs', 1, {
      resources: [
        {
          resourceType: TOPIC,
          resourceName: 't',
          configs: [{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }],
        },
      ],
    });
    expect(more.responses[0]!.errorCode).toBe(E.NONE);
    expect(entry(await describeTopic(c, 't'), 'cleanup.policy')!.value).toBe('compact');
    const bad = await call(c, 1, 'IncrementalAlterConfigs', 1, {
      resources: [
        {
          resourceType: TOPIC,
          resourceName: 't',
          configs: [{ name: 'retention.ms', configOperation: SET, value: 'x' }],
        },
        { resourceType: TOPIC, resourceName: 't', configs: [] },
      ],
    });
    expect(bad.responses.map((x) => x.errorCode)).toEqual([E.INVALID_REQUEST, E.INVALID_REQUEST]);
    const errors = await call(c, 1, 'IncrementalAlterConfigs', 1, {
      resources: [
        {
          resourceType: TOPIC,
          resourceName: 't',
          configs: [{ name: 'retention.ms', configOperation: SET, value: 'x' }],
        },
        { resourceType: TOPIC, resourceName: 'bad name!', configs: [] },
      ],
    });
    expect(errors.responses.map((x) => [x.errorCode, x.errorMessage])).toEqual([
      [E.INVALID_CONFIG, 'Invalid value x for configuration retention.ms: Not a number of type LONG'],
      [E.INVALID_TOPIC_EXCEPTION, expect.any(String)],
    ]);
    const unknown = await call(c, 1, 'IncrementalAlterConfigs', 1, {
      resources: [
        {
          resourceType: TOPIC,
          resourceName: 't',
          configs: [{ name: 'no.such', configOperation: SET, value: '1' }],
        },
      ],
    });
    expect(unknown.responses[0]!.errorCode).toBe(E.INVALID_CONFIG);
    expect(entry(await describeTopic(c, 't'), 'retention.ms')!.value).toBe('1000'); // nothing changed
  });

  it('a cluster-wide broker config changes every topic without an override', async () => {
    const c = cluster();
    const batch = makeBatch({ count: 20 });
    const r = await call(c, 1, 'IncrementalAlterConfigs', 1, {
      resources: [
        {
          resourceType: BROKER,
          resourceName: '',
          configs: [{ name: 'message.max.bytes', configOperation: SET, value: '100' }],
        },
        {
          resourceType: BROKER,
          resourceName: '1',
          configs: [{ name: 'num.partitions', configOperation: SET, value: '4' }],
        },
      ],
    });
    expect(r.responses.map((x) => x.errorCode)).toEqual([E.NONE, E.INVALID_REQUEST]);
    expect(await produce(c, batch)).toBe(E.MESSAGE_TOO_LARGE);
    expect(entry(await describeTopic(c, 't'), 'max.message.bytes')).toMatchObject({
      value: '100',
      configSource: 3,
      synonyms: [
        { name: 'message.max.bytes', value: '100', source: 3 },
        { name: 'message.max.bytes', value: '1048588', source: 5 },
      ],
    });
  });
});

describe('AlterConfigs', () => {
  it.each(versionsOf(0, 2))('v%i replaces the topic overrides with the ones given', async (v) => {
    const c = cluster();
    const alter = (configs: unknown[]) =>
      call(c, 1, 'AlterConfigs', v, {
        resources: [{ resourceType: TOPIC, resourceName: 't', configs }],
        validateOnly: false,
      });
    await alter([
      { name: 'retention.ms', value: '5' },
      { name: 'message.timestamp.type', value: 'LogAppendTime' },
    ]);
    expect(c.readLog('t', 0).logEndOffset).toBe(0);
    let d = await describeTopic(c, 't');
    expect(entry(d, 'message.timestamp.type')).toMatchObject({ value: 'LogAppendTime', configSource: 1 });
    expect((await alter([{ name: 'retention.ms', value: '6' }])).responses[0]!.errorCode).toBe(E.NONE);
    d = await describeTopic(c, 't');
    expect(entry(d, 'message.timestamp.type')).toMatchObject({ value: 'CreateTime', configSource: 5 });
    expect(entry(d, 'retention.ms')).toMatchObject({ value: '6', configSource: 1 });
    const bad = await alter([{ name: 'message.timestamp.type', value: 'Sometimes' }]);
    expect(bad.responses[0]!.errorCode).toBe(E.INVALID_CONFIG);
  });
});

describe('hostile input', () => {
  it('DescribeConfigs, IncrementalAlterConfigs and AlterConfigs frames cut short or oversized', async () => {
    const c = cluster();
    for (const v of [1, 4]) {
      await expectHostileFramesRefused(c, 'DescribeConfigs', v, {
        resources: [{ resourceType: TOPIC, resourceName: 't', configurationKeys: ['retention.ms'] }],
        includeSynonyms: true,
      });
    }
    for (const v of [0, 1]) {
      await expectHostileFramesRefused(c, 'IncrementalAlterConfigs', v, {
        resources: [
          {
            resourceType: TOPIC,
            resourceName: 't',
            configs: [{ name: 'retention.ms', configOperation: 0, value: '9' }],
          },
        ],
        validateOnly: true,
      });
    }
    for (const v of [0, 2]) {
      await expectHostileFramesRefused(c, 'AlterConfigs', v, {
        resources: [
          { resourceType: TOPIC, resourceName: 't', configs: [{ name: 'retention.ms', value: '9' }] },
        ],
        validateOnly: true,
      });
    }
    // The broker still serves.
    expect((await describeTopic(c, 't')).errorCode).toBe(E.NONE);
  }, 60_000);
});

async function produce(c: MemoryCluster, batch: Buffer) {
  const r = await c.request(c.leaderOf('t', 0), 'p', 'Produce', produceRequest('t', 0, batch), 9);
  return r!.responses[0]!.partitionResponses[0]!.errorCode;
}
