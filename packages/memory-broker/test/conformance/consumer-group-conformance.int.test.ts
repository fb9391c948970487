/**
 * KIP-848 conformance: the same ConsumerGroupHeartbeat / ConsumerGroupDescribe / OffsetCommit / OffsetFetch /
 * ListGroups / DescribeGroups traffic against the memory broker and Apache Kafka 4.3.0, compared answer for
 * answer (docs/broker-rules.md §"Consumer groups (KIP-848)"). Normalised only where Kafka legitimately
 * differs from run to run: topic ids (each broker makes its own), the generated member id of v0, the order
 * Kafka lists members in (hash order), and which member gets which partition (counts are compared).
 */
import { KafkaErrorCode } from '@idem/codec';
import { kafkaTarget, uniqueTopic } from '@idem/kafka-tooling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaBrokerTarget, memoryBrokerTarget, sleep, type Target } from './targets.js';

const kafka = kafkaTarget();
const skip = kafka.bootstrap === null ? (kafka.reason ?? 'no Kafka broker') : null;

/** Past Kafka 4.3.0's (and the memory broker's) one-second pause between target assignments of a group. */
const ASSIGNMENT_PAUSE_MS = 1_500;

/** How long after creating a topic the scenarios start (see onBoth). */
const TOPIC_SETTLE_MS = 1_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Topic ids replaced by a placeholder, members sorted by id, partition lists sorted. */
function normalise<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (typeof v === 'string' && UUID.test(v)) return '<topic-id>';
      if (key === 'partitions' && Array.isArray(v) && v.every((x) => typeof x === 'number')) {
        return [...v].sort((a, b) => a - b);
      }
      if (Array.isArray(v) && v.every((x) => typeof x === 'object' && x !== null && 'memberId' in x)) {
        return [...v].sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
      }
      return v;
    }),
  );
}

const loading = (code: number) =>
  code === KafkaErrorCode.COORDINATOR_LOAD_IN_PROGRESS ||
  code === KafkaErrorCode.COORDINATOR_NOT_AVAILABLE ||
  code === KafkaErrorCode.NOT_COORDINATOR;

describe.skipIf(skip !== null)(
  `consumer group protocol: memory broker vs kafka 4.3.0${skip ? ` [skipped: ${skip}]` : ''}`,
  () => {
    const both = {} as { memory: Target; kafka: Target };
    beforeAll(async () => {
      both.memory = memoryBrokerTarget();
      both.kafka = await kafkaBrokerTarget(kafka.bootstrap ?? '');
    });
    afterAll(() => {
      both.memory?.close();
      both.kafka?.close();
    });

    /** One target's view of a scenario: a fresh topic and group, and requests on them. */
    function on(t: Target, topic: string) {
      const group = `${topic}-group`;
      const beat = (body: Record<string, unknown>, version = 1) =>
        t.request('ConsumerGroupHeartbeat', version, {
          groupId: group,
          memberId: 'm',
          memberEpoch: 0,
          ...body,
        } as never);
      const join = (memberId: string, extra: Record<string, unknown> = {}) =>
        beat({
          memberId,
          rebalanceTimeoutMs: 30_000,
          subscribedTopicNames: [topic],
          topicPartitions: [],
          ...extra,
        });
      const describeGroup = async () =>
        (
          await t.request('ConsumerGroupDescribe', 1, {
            groupIds: [group],
            includeAuthorizedOperations: false,
          })
        ).groups[0]!;
      /**
       * The first join, asked again (bounded, 30 s) while a fresh Kafka loads its group coordinator; then, since
       * Kafka 4.3.0 may hand out the first assignment a heartbeat later, full heartbeats (bounded, 5 s) until the
       * member holds its partitions, so both brokers are compared from the same settled state.
       */
      const firstJoin = async (memberId: string) => {
        let r = await join(memberId);
        for (let tries = 0; loading(r.errorCode) && tries < 60; tries++) {
          // A fresh Kafka creates __consumer_offsets on the first FindCoordinator; until then every group
          // request is NOT_COORDINATOR.
          await t.request('FindCoordinator', 4, { keyType: 0, coordinatorKeys: [group] });
          await sleep(500);
          r = await join(memberId);
        }
        const held = () => (r.assignment?.topicPartitions.flatMap((p) => p.partitions).length ?? 0) > 0;
        for (let tries = 0; r.errorCode === KafkaErrorCode.NONE && !held() && tries < 25; tries++) {
          await sleep(200);
          r = await beat({
            memberId,
            memberEpoch: r.memberEpoch,
            rebalanceTimeoutMs: 30_000,
            subscribedTopicNames: [topic],
            topicPartitions: [],
          });
        }
        return r;
      };
      return { group, beat, join, firstJoin, describeGroup };
    }

    async function onBoth<T>(
      name: string,
      partitions: number,
      scenario: (t: Target, topic: string) => Promise<T>,
    ): Promise<[T, T]> {
      const topic = uniqueTopic(`cg-${name}`);
      await both.memory.createTopic(topic, { partitions });
      await both.kafka.createTopic(topic, { partitions });
      // Kafka's group coordinator sees a new topic a moment after its partitions take requests; a member joining
      // before that is assigned nothing and gets the partitions (one epoch later) on a heartbeat a second on.
      await sleep(TOPIC_SETTLE_MS);
      return Promise.all([scenario(both.memory, topic), scenario(both.kafka, topic)]);
    }

    it('one member: join, heartbeat, describe, list, leave; the emptied group stays, type consumer', async () => {
      const [memory, real] = await onBoth('one', 3, async (t, topic) => {
        const s = on(t, topic);
        const joined = await s.firstJoin('m1');
        const again = await s.beat({ memberId: 'm1', memberEpoch: joined.memberEpoch });
        const described = await s.describeGroup();
        const listed = (
          await t.request('ListGroups', 5, { statesFilter: [], typesFilter: [] })
        ).groups.filter((g) => g.groupId === s.group);
        const classicV6 = await t.request('DescribeGroups', 6, {
          groups: [s.group],
          includeAuthorizedOperations: false,
        });
        const classicV5 = await t.request('DescribeGroups', 5, {
          groups: [s.group],
          includeAuthorizedOperations: false,
        });
        const left = await s.beat({ memberId: 'm1', memberEpoch: -1 });
        const after = await s.describeGroup();
        const listedAfter = (
          await t.request('ListGroups', 5, { statesFilter: ['empty'], typesFilter: ['consumer'] })
        ).groups.filter((g) => g.groupId === s.group);
        const deleted = await t.request('DeleteGroups', 2, { groupsNames: [s.group] });
        return { joined, again, described, listed, classicV6, classicV5, left, after, listedAfter, deleted };
      });
      expect(memory.joined.errorCode).toBe(KafkaErrorCode.NONE);
      expect(normalise(memory)).toEqual(normalise(real));
    });

    it('refusals: invalid requests, fenced epochs, unknown members and groups, Kafka messages', async () => {
      const [memory, real] = await onBoth('refusals', 1, async (t, topic) => {
        const s = on(t, topic);
        const joined = await s.firstJoin('m1');
        const e = joined.memberEpoch;
        const answers = [
          await s.beat({ memberId: 'm1', memberEpoch: e + 3 }),
          await s.beat({ memberId: 'm1', memberEpoch: e - 1 }),
          await s.beat({ memberId: 'zz', memberEpoch: 3 }),
          await s.beat({ memberId: 'zz', memberEpoch: -1 }),
          await s.beat({ groupId: `${s.group}-none`, memberId: 'm', memberEpoch: 3 }),
          await s.beat({ groupId: `${s.group}-none`, memberId: 'm', memberEpoch: -1 }),
          await s.beat({
            groupId: '',
            rebalanceTimeoutMs: 1,
            subscribedTopicNames: [topic],
            topicPartitions: [],
          }),
          await s.beat({
            memberId: '',
            rebalanceTimeoutMs: 1,
            subscribedTopicNames: [topic],
            topicPartitions: [],
          }),
          await s.beat({ memberId: 'm2', subscribedTopicNames: [topic], topicPartitions: [] }),
          await s.beat({ memberId: 'm2', rebalanceTimeoutMs: 1, subscribedTopicNames: [topic] }),
          await s.beat({
            memberId: 'm2',
            rebalanceTimeoutMs: 1,
            subscribedTopicNames: [topic],
            topicPartitions: [],
            serverAssignor: 'nope',
          }),
          await s.beat({ memberId: 'm2', memberEpoch: -3 }),
          await s.beat({ memberId: 'm2', memberEpoch: -2 }),
          // A rejoin (epoch 0) of a known member is no fence: the same epoch, the whole assignment again.
          await s.join('m1'),
        ];
        const described = await t.request('ConsumerGroupDescribe', 1, {
          groupIds: [`${s.group}-none`, ''],
          includeAuthorizedOperations: false,
        });
        return { answers, described };
      });
      expect(normalise(memory)).toEqual(normalise(real));
    });

    it('two members: the second waits for the next assignment, partitions are revoked before they move', async () => {
      const [memory, real] = await onBoth('two', 4, async (t, topic) => {
        const s = on(t, topic);
        const j1 = await s.firstJoin('m1');
        const topicId = j1.assignment!.topicPartitions[0]!.topicId;
        const owning = (partitions: number[]) => [{ topicId, partitions }];
        const j2 = await s.join('m2');
        await sleep(ASSIGNMENT_PAUSE_MS);
        const revoke = await s.beat({
          memberId: 'm1',
          memberEpoch: j1.memberEpoch,
          topicPartitions: owning([0, 1, 2, 3]),
        });
        const kept = revoke.assignment?.topicPartitions.flatMap((p) => p.partitions) ?? [];
        const waiting = await s.beat({ memberId: 'm2', memberEpoch: j2.memberEpoch, topicPartitions: [] });
        const middle = await s.describeGroup();
        const released = await s.beat({
          memberId: 'm1',
          memberEpoch: revoke.memberEpoch,
          topicPartitions: owning(kept),
        });
        const given = await s.beat({ memberId: 'm2', memberEpoch: waiting.memberEpoch, topicPartitions: [] });
        const end = await s.describeGroup();
        const counts = (d: typeof end) =>
          d.members.map((m) => m.assignment.topicPartitions.flatMap((p) => p.partitions).length).sort();
        const epochs = (r: { errorCode: number; memberEpoch: number; assignment: unknown }) => ({
          errorCode: r.errorCode,
          memberEpoch: r.memberEpoch,
          hasAssignment: r.assignment !== null,
        });
        return {
          j1: epochs(j1),
          j2: { ...epochs(j2), parts: j2.assignment?.topicPartitions.flatMap((p) => p.partitions) },
          revoke: { ...epochs(revoke), kept: kept.length },
          waiting: {
            ...epochs(waiting),
            parts: waiting.assignment?.topicPartitions.flatMap((p) => p.partitions) ?? [],
          },
          middle: {
            state: middle.groupState,
            groupEpoch: middle.groupEpoch,
            assignmentEpoch: middle.assignmentEpoch,
          },
          released: epochs(released),
          given: {
            ...epochs(given),
            count: given.assignment?.topicPartitions.flatMap((p) => p.partitions).length,
          },
          end: { state: end.groupState, groupEpoch: end.groupEpoch, counts: counts(end) },
        };
      });
      expect(memory.end.counts).toEqual([2, 2]);
      expect(memory).toEqual(real);
    });

    it('OffsetCommit and OffsetFetch check the member epoch of a consumer group', async () => {
      const [memory, real] = await onBoth('offsets', 1, async (t, topic) => {
        const s = on(t, topic);
        const joined = await s.firstJoin('m1');
        const e = joined.memberEpoch;
        const commit = (version: number, memberId: string, epoch: number) =>
          t
            .request('OffsetCommit', version, {
              groupId: s.group,
              generationIdOrMemberEpoch: epoch,
              memberId,
              topics: [
                {
                  name: topic,
                  partitions: [{ partitionIndex: 0, committedOffset: 7n, committedMetadata: 'x' }],
                },
              ],
            })
            .then((r) => r.topics[0]!.partitions[0]!.errorCode);
        const fetch = (memberId: string | null, memberEpoch: number) =>
          t
            .request('OffsetFetch', 9, {
              groups: [
                { groupId: s.group, memberId, memberEpoch, topics: [{ name: topic, partitionIndexes: [0] }] },
              ],
              requireStable: false,
            })
            .then((r) => r.groups[0]!);
        return {
          commits: [
            await commit(9, 'm1', e - 1),
            await commit(9, 'zz', e),
            await commit(8, 'm1', e),
            await commit(9, 'm1', e),
          ],
          fetches: [
            await fetch('m1', e + 5),
            await fetch('zz', e),
            await fetch('m1', e),
            await fetch(null, -1),
          ],
          left: (await s.beat({ memberId: 'm1', memberEpoch: -1 })).errorCode,
          adminCommit: await commit(9, '', -1),
          afterLeave: await fetch(null, -1),
        };
      });
      expect(memory.commits[3]).toBe(KafkaErrorCode.NONE);
      expect(normalise(memory)).toEqual(normalise(real));
    });

    it('static members: -2 keeps the partitions, a new member id with the instance id takes them over', async () => {
      const [memory, real] = await onBoth('static', 2, async (t, topic) => {
        const s = on(t, topic);
        let j1 = await s.join('s1', { instanceId: 'i1' });
        for (let tries = 0; loading(j1.errorCode) && tries < 60; tries++) {
          await t.request('FindCoordinator', 4, { keyType: 0, coordinatorKeys: [s.group] });
          await sleep(500);
          j1 = await s.join('s1', { instanceId: 'i1' });
        }
        const answers = [
          j1,
          await s.join('s2', { instanceId: 'i1' }),
          await s.beat({ memberId: 's2', memberEpoch: j1.memberEpoch, instanceId: 'i1' }),
          await s.beat({ memberId: 's1', memberEpoch: -2, instanceId: 'i1' }),
        ];
        const away = await s.describeGroup();
        answers.push(
          await s.join('s2', { instanceId: 'i1' }),
          await s.beat({ memberId: 's1', memberEpoch: j1.memberEpoch, instanceId: 'i1' }),
          await s.beat({ memberId: 'x', memberEpoch: 1, instanceId: 'i9' }),
        );
        const back = await s.describeGroup();
        answers.push(await s.beat({ memberId: 's2', memberEpoch: -1, instanceId: 'i1' }));
        return { answers, away, back, end: await s.describeGroup() };
      });
      expect(normalise(memory)).toEqual(normalise(real));
    });

    it('v0: the coordinator makes up the member id; ConsumerGroupDescribe with authorized operations', async () => {
      const [memory, real] = await onBoth('v0', 1, async (t, topic) => {
        const s = on(t, topic);
        await s.firstJoin('m1');
        const v0 = await s.beat(
          { memberId: '', rebalanceTimeoutMs: 30_000, subscribedTopicNames: [topic], topicPartitions: [] },
          0,
        );
        const idShape = /^[A-Za-z0-9_-]{22}$/.test(v0.memberId ?? '');
        const described = await t.request('ConsumerGroupDescribe', 0, {
          groupIds: [s.group, `${s.group}-none`],
          includeAuthorizedOperations: true,
        });
        return {
          v0: { ...v0, memberId: idShape ? '<generated>' : v0.memberId },
          // Kafka answers groups of different __consumer_offsets partitions in no fixed order.
          described: described.groups
            .map((g) => [g.groupId.endsWith('-none'), g.errorCode, g.authorizedOperations] as const)
            .sort((a, b) => Number(a[0]) - Number(b[0])),
        };
      });
      expect(memory.v0.memberId).toBe('<generated>');
      expect(normalise(memory)).toEqual(normalise(real));
    });
  },
);
