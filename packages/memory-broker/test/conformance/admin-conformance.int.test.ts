/**
 * Admin conformance: the same DescribeConfigs / IncrementalAlterConfigs / AlterConfigs traffic against the
 * memory broker and the real Apache Kafka 4.3.0 broker of tooling/kafka, compared answer for answer.
 * tooling/kafka's server.properties sets a few broker configs (min.insync.replicas=1 among the topic
 * synonyms); those STATIC_BROKER_CONFIG synonyms are left out of the comparison, since the memory broker's
 * static configs are its cluster options. Broker configs are only read here: the Kafka broker is shared.
 */
import { type DescribeConfigsResponseDescribeConfigsResourceResult, KafkaErrorCode } from '@idem/codec';
import { kafkaTarget, uniqueTopic } from '@idem/kafka-tooling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, freshProducerId, send } from './produce.js';
import { kafkaBrokerTarget, memoryBrokerTarget, type Target } from './targets.js';

const TOPIC = 2;
const BROKER = 4;
const STATIC_BROKER_CONFIG = 4;

const kafka = kafkaTarget();
const skip = kafka.bootstrap === null ? (kafka.reason ?? 'no Kafka broker') : null;

interface Both {
  memory: Target;
  kafka: Target;
}

/** Sorted by name (Kafka lists in hash order), static synonyms dropped. */
function normalise(result: { configs: DescribeConfigsResponseDescribeConfigsResourceResult[] }) {
  return [...result.configs]
    .map((c) => ({ ...c, synonyms: c.synonyms.filter((s) => s.source !== STATIC_BROKER_CONFIG) }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

describe.skipIf(skip !== null)(
  `admin APIs: memory broker vs kafka 4.3.0${skip ? ` [skipped: ${skip}]` : ''}`,
  () => {
    const both = {} as Both;
    beforeAll(async () => {
      both.memory = memoryBrokerTarget();
      both.kafka = await kafkaBrokerTarget(kafka.bootstrap ?? '');
    });
    afterAll(() => {
      both.memory?.close();
      both.kafka?.close();
    });

    /** Runs `scenario` on both brokers with the same fresh topic name; returns [memory, kafka]. */
    async function onBoth<T>(
      name: string,
      scenario: (t: Target, topic: string) => Promise<T>,
    ): Promise<[T, T]> {
      const topic = uniqueTopic(`admin-${name}`);
      await both.memory.createTopic(topic, { partitions: 1 });
      await both.kafka.createTopic(topic, { partitions: 1 });
      return [await scenario(both.memory, topic), await scenario(both.kafka, topic)];
    }

    const describeTopic = (t: Target, topic: string, version = 4, includeSynonyms = true) =>
      t.request('DescribeConfigs', version, {
        resources: [{ resourceType: TOPIC, resourceName: topic, configurationKeys: null }],
        includeSynonyms,
      });

    it.each([1, 2, 3, 4])(
      'DescribeConfigs v%i of a fresh topic: every config, value, source and synonym',
      async (v) => {
        const [memory, real] = await onBoth(`describe-v${v}`, (t, topic) => describeTopic(t, topic, v));
        expect(memory.results[0]!.errorCode).toBe(KafkaErrorCode.NONE);
        expect(normalise(memory.results[0]!)).toEqual(normalise(real.results[0]!));
      },
    );

    it('DescribeConfigs of an unknown and an invalid topic', async () => {
      const missing = uniqueTopic('admin-missing');
      const ask = (t: Target) =>
        t.request('DescribeConfigs', 4, {
          resources: [
            { resourceType: TOPIC, resourceName: missing, configurationKeys: null },
            { resourceType: TOPIC, resourceName: 'bad name!', configurationKeys: null },
          ],
        });
      const [memory, real] = [await ask(both.memory), await ask(both.kafka)];
      expect(memory.results.map((r) => [r.errorCode, r.configs])).toEqual(
        real.results.map((r) => [r.errorCode, r.configs]),
      );
    });

    it('DescribeConfigs of the broker: the configs the memory broker knows, as Kafka describes them', async () => {
      const keys = [
        'message.max.bytes',
        'log.segment.bytes',
        'log.message.timestamp.type',
        'log.message.timestamp.after.max.ms',
        'log.cleanup.policy',
        'log.retention.bytes',
        'log.retention.ms',
        'log.retention.hours',
        'producer.id.expiration.ms',
        'compression.type',
        'delete.topic.enable',
      ];
      const ask = (t: Target) =>
        t.request('DescribeConfigs', 4, {
          resources: [{ resourceType: BROKER, resourceName: '1', configurationKeys: keys }],
          includeSynonyms: true,
        });
      const [memory, real] = [await ask(both.memory), await ask(both.kafka)];
      const pick = (r: typeof memory) =>
        normalise(r.results[0]!).filter(
          (c) => c.synonyms.length > 0 || c.configSource !== STATIC_BROKER_CONFIG,
        );
      expect(memory.results[0]!.configs).toHaveLength(keys.length);
      // delete.topic.enable is set in tooling/kafka's server.properties; compare it without its source.
      const strip = (cs: ReturnType<typeof pick>) =>
        cs.map((c) => (c.name === 'delete.topic.enable' ? { ...c, configSource: 0 } : c));
      expect(strip(pick(memory))).toEqual(strip(pick(real)));
    });

    it('IncrementalAlterConfigs SET max.message.bytes: both refuse a larger batch, describe the override, DELETE restores', async () => {
      const [memory, real] = await onBoth('incremental', async (t, topic) => {
        const pid = await freshProducerId(t);
        const b = batch(pid, 0, 0, 10);
        const alter = (configs: unknown[]) =>
          t.request('IncrementalAlterConfigs', 1, {
            resources: [{ resourceType: TOPIC, resourceName: topic, configs: configs as never }],
            validateOnly: false,
          });
        const set = await alter([
          { name: 'max.message.bytes', configOperation: 0, value: String(b.bytes.length - 1) },
          { name: 'retention.ms', configOperation: 0, value: '123456' },
        ]);
        const tooLarge = await waitFor(
          async () => (await send(t, 9, topic, b)).errorCode,
          KafkaErrorCode.MESSAGE_TOO_LARGE,
        );
        const described = normalise((await describeTopic(t, topic)).results[0]!);
        const deleted = await alter([{ name: 'max.message.bytes', configOperation: 1, value: null }]);
        const accepted = await waitFor(
          async () => (await send(t, 9, topic, b)).errorCode,
          KafkaErrorCode.NONE,
        );
        return { set: set.responses, tooLarge, described, deleted: deleted.responses, accepted };
      });
      expect(memory.tooLarge).toBe(KafkaErrorCode.MESSAGE_TOO_LARGE);
      expect(memory.accepted).toBe(KafkaErrorCode.NONE);
      expect(memory).toEqual(real);
    });

    it('IncrementalAlterConfigs and AlterConfigs refuse what Kafka refuses', async () => {
      const [memory, real] = await onBoth('refusals', async (t, topic) => {
        const incremental = await t.request('IncrementalAlterConfigs', 1, {
          resources: [
            { resourceType: TOPIC, resourceName: uniqueTopic('admin-none'), configs: [] },
            {
              resourceType: TOPIC,
              resourceName: topic,
              configs: [{ name: 'retention.ms', configOperation: 0, value: 'soon' }],
            },
          ],
          validateOnly: false,
        });
        const unknownName = await t.request('IncrementalAlterConfigs', 1, {
          resources: [
            {
              resourceType: TOPIC,
              resourceName: topic,
              configs: [{ name: 'no.such.config', configOperation: 0, value: '1' }],
            },
          ],
          validateOnly: false,
        });
        const appendToInt = await t.request('IncrementalAlterConfigs', 1, {
          resources: [
            {
              resourceType: TOPIC,
              resourceName: topic,
              configs: [{ name: 'retention.ms', configOperation: 2, value: '1' }],
            },
          ],
          validateOnly: false,
        });
        const duplicate = await t.request('IncrementalAlterConfigs', 1, {
          resources: [
            { resourceType: TOPIC, resourceName: topic, configs: [] },
            { resourceType: TOPIC, resourceName: topic, configs: [] },
          ],
          validateOnly: false,
        });
        const legacy = await t.request('AlterConfigs', 2, {
          resources: [
            {
              resourceType: TOPIC,
              resourceName: topic,
              configs: [{ name: 'message.timestamp.type', value: 'Sometimes' }],
            },
          ],
          validateOnly: false,
        });
        const codes = (r: { responses: { errorCode: number }[] }) => r.responses.map((x) => x.errorCode);
        return {
          incremental: codes(incremental),
          unknownName: codes(unknownName),
          appendToInt: codes(appendToInt),
          duplicate: codes(duplicate),
          legacy: codes(legacy),
        };
      });
      expect(memory).toEqual(real);
    });

    it('CreatePartitions: the new partitions take produces at once; refusals match Kafka', async () => {
      const [memory, real] = await onBoth('partitions', async (t, topic) => {
        const grow = await t.request('CreatePartitions', 3, {
          topics: [{ name: topic, count: 3, assignments: null }],
          timeoutMs: 10_000,
          validateOnly: false,
        });
        const metadata = await t.request('Metadata', 12, {
          topics: [{ name: topic, topicId: '00000000-0000-0000-0000-000000000000' }],
          allowAutoTopicCreation: false,
          includeTopicAuthorizedOperations: false,
        });
        const pid = await freshProducerId(t);
        const appended = await waitFor(
          async () => (await send(t, 9, topic, batch(pid, 0, 0, 2), 2)).errorCode,
          KafkaErrorCode.NONE,
        );
        const refused = await t.request('CreatePartitions', 3, {
          topics: [
            { name: topic, count: 2, assignments: null },
            { name: uniqueTopic('admin-none'), count: 2, assignments: null },
          ],
          timeoutMs: 10_000,
          validateOnly: false,
        });
        const same = await t.request('CreatePartitions', 3, {
          topics: [{ name: topic, count: 3, assignments: null }],
          timeoutMs: 10_000,
          validateOnly: false,
        });
        const duplicate = await t.request('CreatePartitions', 3, {
          topics: [
            { name: topic, count: 5, assignments: null },
            { name: topic, count: 6, assignments: null },
          ],
          timeoutMs: 10_000,
          validateOnly: true,
        });
        const badAssignment = await t.request('CreatePartitions', 3, {
          topics: [{ name: topic, count: 5, assignments: [{ brokerIds: [1] }] }],
          timeoutMs: 10_000,
          validateOnly: true,
        });
        return {
          grow: grow.results,
          partitions: metadata.topics[0]!.partitions.map((p) => p.partitionIndex),
          appended,
          // Kafka answers these in no fixed order: compare by error code.
          refused: refused.results
            .map((r) => [
              r.errorCode,
              r.errorCode === KafkaErrorCode.INVALID_PARTITIONS ? r.errorMessage : null,
            ])
            .sort((a, b) => Number(a[0]) - Number(b[0])),
          same: same.results.map((r) => [r.errorCode, r.errorMessage]),
          duplicate: duplicate.results.map((r) => [r.errorCode, r.errorMessage]),
          badAssignment: badAssignment.results.map((r) => r.errorCode),
        };
      });
      expect(memory.appended).toBe(KafkaErrorCode.NONE);
      expect(memory).toEqual(real);
    });

    it('DeleteRecords: the log start offset moves; ListOffsets, Fetch, Produce and producer state agree', async () => {
      const [memory, real] = await onBoth('delete-records', async (t, topic) => {
        const pid = await freshProducerId(t);
        const batches = [batch(pid, 0, 0, 4), batch(pid, 0, 4, 4), batch(pid, 0, 8, 4)];
        for (const b of batches) await send(t, 9, topic, b);
        const deleteTo = (offset: bigint, partitionIndex = 0, version = 2) =>
          t.request('DeleteRecords', version, {
            topics: [{ name: topic, partitions: [{ partitionIndex, offset }] }],
            timeoutMs: 10_000,
          });
        const first = await deleteTo(6n);
        const earliest = await t.request('ListOffsets', 7, {
          replicaId: -1,
          isolationLevel: 0,
          topics: [
            { name: topic, partitions: [{ partitionIndex: 0, timestamp: -2n, currentLeaderEpoch: -1 }] },
          ],
        });
        const fetch = await t.request('Fetch', 12, {
          replicaId: -1,
          maxWaitMs: 0,
          minBytes: 1,
          maxBytes: 1 << 20,
          isolationLevel: 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [
            {
              topic,
              partitions: [
                {
                  partition: 0,
                  currentLeaderEpoch: -1,
                  fetchOffset: 2n,
                  logStartOffset: -1n,
                  partitionMaxBytes: 1 << 20,
                },
              ],
            },
          ],
          forgottenTopicsData: [],
          rackId: '',
        });
        const producersAfter = (await t.describeProducers(topic, 0)).map((p) => p.producerId === pid);
        const retryOfDeleted = await send(t, 9, topic, batches[0]!);
        const retryOfLast = await send(t, 9, topic, batches[2]!);
        const next = await send(t, 9, topic, batch(pid, 0, 12, 1));
        const below = await deleteTo(2n, 0, 1);
        const toEnd = await deleteTo(-1n, 0, 0);
        const past = await deleteTo(99n);
        const noPartition = await deleteTo(0n, 5);
        const low = (r: typeof first) => r.topics[0]!.partitions.map((p) => [p.errorCode, p.lowWatermark]);
        const fp = fetch.responses[0]!.partitions[0]!;
        return {
          first: first.topics,
          earliest: earliest.topics[0]!.partitions[0]!.offset,
          fetch: [fp.errorCode, fp.highWatermark, fp.lastStableOffset, fp.logStartOffset],
          producersAfter,
          retryOfDeleted: [retryOfDeleted.errorCode, retryOfDeleted.logStartOffset],
          retryOfLast: [retryOfLast.errorCode, retryOfLast.baseOffset, retryOfLast.logStartOffset],
          next: [next.errorCode, next.baseOffset, next.logStartOffset],
          below: low(below),
          toEnd: low(toEnd),
          past: low(past),
          noPartition: low(noPartition),
        };
      });
      expect(memory).toEqual(real);
    });

    it('DeleteGroups: an empty group and its offsets go; an unknown group is GROUP_ID_NOT_FOUND', async () => {
      const [memory, real] = await onBoth('delete-groups', async (t, topic) => {
        const group = `${topic}-group`;
        // A fresh Kafka answers COORDINATOR_LOAD_IN_PROGRESS / COORDINATOR_NOT_AVAILABLE / NOT_COORDINATOR until
        // __consumer_offsets is up: ask again (bounded, 30 s) until the group's coordinator answers.
        const loading = (code: number) =>
          code === KafkaErrorCode.COORDINATOR_LOAD_IN_PROGRESS ||
          code === KafkaErrorCode.COORDINATOR_NOT_AVAILABLE ||
          code === KafkaErrorCode.NOT_COORDINATOR;
        const settled = async <R>(ask: () => Promise<R>, code: (r: R) => number): Promise<R> => {
          let r = await ask();
          for (let tries = 0; loading(code(r)) && tries < 60; tries++) {
            await new Promise((resolve) => setTimeout(resolve, 500));
            r = await ask();
          }
          return r;
        };
        const coordinator = await settled(
          () => t.request('FindCoordinator', 3, { key: group, keyType: 0 }),
          (r) => r.errorCode,
        );
        const commit = await settled(
          () =>
            t.request('OffsetCommit', 8, {
              groupId: group,
              generationIdOrMemberEpoch: -1,
              memberId: '',
              topics: [
                {
                  name: topic,
                  partitions: [{ partitionIndex: 0, committedOffset: 0n, committedMetadata: null }],
                },
              ],
            }),
          (r) => r.topics[0]?.partitions[0]?.errorCode ?? KafkaErrorCode.NONE,
        );
        const listed = await t.request('ListGroups', 4, { statesFilter: [] });
        const before = listed.groups.find((g) => g.groupId === group);
        const deleted = await t.request('DeleteGroups', 2, { groupsNames: [group, `${group}-none`] });
        const fetched = await settled(
          () =>
            t.request('OffsetFetch', 7, {
              groupId: group,
              topics: [{ name: topic, partitionIndexes: [0] }],
            }),
          (r) => r.errorCode,
        );
        return {
          coordinator: coordinator.errorCode,
          commit: commit.topics[0]!.partitions[0]!.errorCode,
          before: before === undefined ? null : [before.protocolType, before.groupState],
          // Kafka answers in no fixed order.
          deleted: [...deleted.results].sort((a, b) => (a.groupId < b.groupId ? -1 : 1)),
          fetched: fetched.topics[0]!.partitions[0]!.committedOffset,
        };
      });
      expect(memory.deleted[0]!.errorCode).toBe(KafkaErrorCode.NONE);
      expect(memory).toEqual(real);
    });

    it('DescribeCluster v0-v2: this broker, no fenced brokers, the controller endpoint refused', async () => {
      const ask = async (t: Target) => {
        const out: unknown[] = [];
        for (const v of [0, 1, 2]) {
          for (const includeClusterAuthorizedOperations of [false, true]) {
            const r = await t.request('DescribeCluster', v, {
              includeClusterAuthorizedOperations,
              endpointType: 1,
              includeFencedBrokers: v >= 2,
            });
            out.push({
              errorCode: r.errorCode,
              errorMessage: r.errorMessage,
              endpointType: r.endpointType,
              controllerId: r.controllerId,
              brokers: r.brokers.map((b) => [b.brokerId, b.rack, b.isFenced]),
              clusterAuthorizedOperations: r.clusterAuthorizedOperations,
              hasClusterId: r.clusterId.length > 0,
            });
          }
        }
        const controllers = await t.request('DescribeCluster', 1, {
          includeClusterAuthorizedOperations: false,
          endpointType: 2,
        });
        out.push([controllers.errorCode, controllers.errorMessage, controllers.brokers]);
        return out;
      };
      expect(await ask(both.memory)).toEqual(await ask(both.kafka));
    });

    it('DescribeTopicPartitions: partitions in pages with a cursor, unknown topics, Metadata v13 agrees', async () => {
      const topic = uniqueTopic('admin-dtp');
      await both.memory.createTopic(topic, { partitions: 3 });
      await both.kafka.createTopic(topic, { partitions: 3 });
      const missing = uniqueTopic('admin-dtp-none');
      const ask = async (t: Target) => {
        const page = (
          responsePartitionLimit: number,
          cursor: { topicName: string; partitionIndex: number } | null,
        ) =>
          t.request('DescribeTopicPartitions', 0, {
            topics: [{ name: topic }, { name: missing }],
            responsePartitionLimit,
            cursor,
          });
        const strip = (r: Awaited<ReturnType<typeof page>>) => ({
          ...r,
          topics: r.topics.map((x) => ({
            ...x,
            topicId: x.topicId === '00000000-0000-0000-0000-000000000000',
          })),
        });
        const whole = strip(await page(2000, null));
        const first = strip(await page(2, null));
        const rest = strip(await page(2, first.nextCursor));
        const metadata = await t.request('Metadata', 13, {
          topics: [{ name: topic, topicId: '00000000-0000-0000-0000-000000000000' }],
          allowAutoTopicCreation: false,
          includeTopicAuthorizedOperations: false,
        });
        return {
          whole,
          first,
          rest,
          metadata: {
            errorCode: metadata.errorCode,
            controllerId: metadata.controllerId,
            topics: metadata.topics.map((x) => [x.errorCode, x.name, x.partitions.length]),
          },
        };
      };
      expect(await ask(both.memory)).toEqual(await ask(both.kafka));
    });

    it('ListGroups: a group its members left is Empty and keeps its protocol type', async () => {
      const ask = async (t: Target) => {
        const group = uniqueTopic('admin-emptied');
        const join = await t.request('JoinGroup', 3, {
          groupId: group,
          sessionTimeoutMs: 10_000,
          rebalanceTimeoutMs: 10_000,
          memberId: '',
          groupInstanceId: null,
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata: Buffer.from([0, 1, 0, 0, 0, 0, 0, 0, 0, 0]) }],
        });
        const sync = await t.request('SyncGroup', 3, {
          groupId: group,
          generationId: join.generationId,
          memberId: join.memberId,
          groupInstanceId: null,
          assignments: [{ memberId: join.memberId, assignment: Buffer.alloc(0) }],
        });
        const listed = async () => {
          const r = await t.request('ListGroups', 5, { statesFilter: [], typesFilter: [] });
          const g = r.groups.find((x) => x.groupId === group);
          return g === undefined ? null : { ...g, groupId: 'g' };
        };
        const stable = await listed();
        const leave = await t.request('LeaveGroup', 3, {
          groupId: group,
          members: [{ memberId: join.memberId, groupInstanceId: null }],
        });
        const emptied = await listed();
        const described = await t.request('DescribeGroups', 5, {
          groups: [group],
          includeAuthorizedOperations: false,
        });
        const d = described.groups[0]!;
        return {
          join: join.errorCode,
          sync: sync.errorCode,
          stable,
          leave: leave.errorCode,
          emptied,
          described: [d.errorCode, d.groupState, d.protocolType, d.protocolData, d.members.length],
        };
      };
      expect(await ask(both.memory)).toEqual(await ask(both.kafka));
    });

    it('AlterConfigs replaces the overrides; APPEND to list configs', async () => {
      const [memory, real] = await onBoth('legacy', async (t, topic) => {
        const alter = (configs: unknown[]) =>
          t.request('AlterConfigs', 2, {
            resources: [{ resourceType: TOPIC, resourceName: topic, configs: configs as never }],
            validateOnly: false,
          });
        const first = await alter([
          { name: 'retention.ms', value: '5000' },
          { name: 'message.timestamp.type', value: 'LogAppendTime' },
        ]);
        const second = await alter([{ name: 'retention.ms', value: '6000' }]);
        // APPEND and SUBTRACT on a list (a compacted topic is only described: the broker does not compact).
        const list = await t.request('IncrementalAlterConfigs', 1, {
          resources: [
            {
              resourceType: TOPIC,
              resourceName: topic,
              configs: [
                { name: 'cleanup.policy', configOperation: 2, value: 'compact' },
                { name: 'leader.replication.throttled.replicas', configOperation: 2, value: '0:1' },
              ],
            },
          ],
          validateOnly: false,
        });
        const names = [
          'retention.ms',
          'message.timestamp.type',
          'cleanup.policy',
          'leader.replication.throttled.replicas',
        ];
        const described = normalise((await describeTopic(t, topic)).results[0]!).filter((c) =>
          names.includes(c.name as string),
        );
        return { first: first.responses, second: second.responses, list: list.responses, described };
      });
      expect(memory).toEqual(real);
    });
  },
);

/** Kafka applies a config change shortly after answering (the broker learns it from the metadata log). */
async function waitFor(read: () => Promise<number>, want: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const got = await read();
    if (got === want || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}
