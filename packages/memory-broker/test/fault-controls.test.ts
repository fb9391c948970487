/** The wide fault controls: refused retries, refused authentication, dead brokers, stale Metadata, Write ACLs, topic re-creation. */
import { KafkaErrorCode, type MetadataResponse } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { BrokerConnectionError } from '../src/connection/errors.js';
import { logShape, makeBatch, produce, type Setup, setup } from './helpers.js';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/** Metadata v12 sent to broker `nodeId` itself (the client's `metadata` picks the broker by load). */
async function metadataOn(
  s: Setup,
  nodeId: number,
  topics: readonly string[],
  allowAutoTopicCreation = true,
): Promise<MetadataResponse> {
  const response = await s.cluster.request(nodeId, `metadata-probe/node-${nodeId}`, 'Metadata', {
    topics: topics.map((name) => ({ topicId: ZERO_UUID, name })),
    allowAutoTopicCreation,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  return response!;
}

/** [partition, leader, leader epoch] of every partition of `topic` in a Metadata answer. */
function leaders(response: MetadataResponse, topic = 't'): number[][] {
  const t = response.topics.find((x) => x.name === topic)!;
  return t.partitions.map((p) => [p.partitionIndex, p.leaderId, p.leaderEpoch]);
}

function kinds(s: Setup): string[] {
  return s.cluster.events.map((e) => e.kind);
}

describe('faults.refuseRetry', () => {
  it('appends the batch and loses the ack; the resend of that batch is refused with the code, nothing appended', async () => {
    const s = setup();
    const fault = s.cluster.faults.refuseRetry(
      { api: 'Produce', topic: 't' },
      KafkaErrorCode.MESSAGE_TOO_LARGE,
    );
    const batch = makeBatch({ count: 2 });
    await expect(produce(s, batch)).rejects.toMatchObject({ code: 'ECONNRESET', notSent: false });
    expect(logShape(s)).toEqual({ offsets: [0], end: 2 });
    expect(s.cluster.events.at(-1)).toMatchObject({
      kind: 'ack-lost',
      api: 'Produce',
      detail: 'reset',
      appended: [{ topic: 't', partition: 0, baseOffset: 0, lastOffset: 1 }],
    });
    expect(fault.active).toBe(false); // count 1: spent on the lost ack, the refusal stays armed
    expect(s.cluster.faults.idle).toBe(false);

    const retry = await produce(s, batch);
    expect(retry.errorCode).toBe(KafkaErrorCode.MESSAGE_TOO_LARGE);
    expect(logShape(s)).toEqual({ offsets: [0], end: 2 }); // never appended twice, never told "duplicate"
    expect(s.cluster.events.at(-1)).toMatchObject({
      kind: 'retry-refused',
      topic: 't',
      partition: 0,
      errorCode: KafkaErrorCode.MESSAGE_TOO_LARGE,
      detail: 'retry',
    });
    expect(s.cluster.faults.idle).toBe(true);

    // Spent: a second resend now meets the duplicate check and gets the original offset.
    const again = await produce(s, batch);
    expect([again.errorCode, again.baseOffset]).toEqual([KafkaErrorCode.NONE, 0n]);
  });

  it('refuses only the resend of the same producer id, epoch and base sequence, not a different batch', async () => {
    const s = setup();
    s.cluster.faults.refuseRetry({ api: 'Produce' }, KafkaErrorCode.CORRUPT_MESSAGE);
    const lost = makeBatch({ producerId: 7n, epoch: 1, baseSequence: 0 });
    await expect(produce(s, lost)).rejects.toMatchObject({ code: 'ECONNRESET' });

    const otherProducer = await produce(s, makeBatch({ producerId: 8n, epoch: 1, baseSequence: 0 }));
    expect([otherProducer.errorCode, otherProducer.baseOffset]).toEqual([KafkaErrorCode.NONE, 1n]);
    const otherEpoch = await produce(s, makeBatch({ producerId: 7n, epoch: 2, baseSequence: 0 }));
    expect([otherEpoch.errorCode, otherEpoch.baseOffset]).toEqual([KafkaErrorCode.NONE, 2n]);

    const resend = await produce(s, lost);
    expect(resend.errorCode).toBe(KafkaErrorCode.CORRUPT_MESSAGE);
    expect(logShape(s).end).toBe(3);
    expect(s.cluster.events.filter((e) => e.kind === 'retry-refused')).toHaveLength(1);
  });

  it('with count n, loses n acks and arms a refusal for each batch', async () => {
    const s = setup();
    const fault = s.cluster.faults.refuseRetry({ api: 'Produce' }, KafkaErrorCode.INVALID_RECORD, {
      count: 2,
    });
    const first = makeBatch({ baseSequence: 0 });
    const second = makeBatch({ baseSequence: 1 });
    await expect(produce(s, first)).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(produce(s, second)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(fault.remaining).toBe(0);
    expect(logShape(s).end).toBe(2);
    const third = await produce(s, makeBatch({ baseSequence: 2 })); // the rule is spent: answered normally
    expect([third.errorCode, third.baseOffset]).toEqual([KafkaErrorCode.NONE, 2n]);
    expect((await produce(s, second)).errorCode).toBe(KafkaErrorCode.INVALID_RECORD);
    expect((await produce(s, first)).errorCode).toBe(KafkaErrorCode.INVALID_RECORD);
    expect(logShape(s).end).toBe(3);
  });
});

describe('faults.refuseAuthentication', () => {
  it('refuses new connections of the matching client with a typed, not-sent rejection; other clients connect', async () => {
    const s = setup();
    const bad = s.cluster.connect({ clientId: 'bad-creds' });
    s.cluster.faults.refuseAuthentication({ clientId: 'bad-creds' });
    for (let attempt = 0; attempt < 3; attempt++) {
      const error = await produce(s, makeBatch(), 0, { client: bad }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BrokerConnectionError);
      expect(error).toMatchObject({
        code: 'EAUTH',
        notSent: true,
        fatalConnection: 'authentication',
        nodeId: 1,
      });
    }
    expect(logShape(s).end).toBe(0);
    expect(s.cluster.events.filter((e) => e.kind === 'authentication-failed')).toMatchObject([
      { nodeId: 1, detail: 'bad-creds' },
      { nodeId: 1, detail: 'bad-creds' },
      { nodeId: 1, detail: 'bad-creds' },
    ]);

    const good = await produce(s, makeBatch()); // the default client's id is memory-client-1
    expect([good.errorCode, good.baseOffset]).toEqual([KafkaErrorCode.NONE, 0n]);
    const named = await produce(s, makeBatch({ producerId: 2n }), 0, {
      client: s.cluster.connect({ clientId: 'good-creds' }),
    });
    expect(named.errorCode).toBe(KafkaErrorCode.NONE);
  });

  it('{count: n} refuses n connection attempts only', async () => {
    const s = setup();
    const client = s.cluster.connect({ clientId: 'rotating' });
    const fault = s.cluster.faults.refuseAuthentication({ clientId: 'rotating' }, { count: 2 });
    await expect(produce(s, makeBatch(), 0, { client })).rejects.toMatchObject({ code: 'EAUTH' });
    expect(fault.remaining).toBe(1);
    await expect(produce(s, makeBatch(), 0, { client })).rejects.toMatchObject({ code: 'EAUTH' });
    expect(fault.active).toBe(false);
    expect((await produce(s, makeBatch(), 0, { client })).errorCode).toBe(KafkaErrorCode.NONE);
    expect(s.cluster.events.filter((e) => e.kind === 'authentication-failed')).toHaveLength(2);
  });

  it('{forMs} refuses for a window of clock time', async () => {
    const s = setup();
    const client = s.cluster.connect({ clientId: 'rotating' });
    const fault = s.cluster.faults.refuseAuthentication({ clientId: 'rotating' }, { forMs: 1_000 });
    await expect(produce(s, makeBatch(), 0, { client })).rejects.toMatchObject({ code: 'EAUTH' });
    s.clock.advance(999);
    await expect(produce(s, makeBatch(), 0, { client })).rejects.toMatchObject({ code: 'EAUTH' });
    expect(fault.active).toBe(true);
    s.clock.advance(1);
    expect([fault.active, fault.remaining]).toEqual([false, 0]); // the window is over: it affects nothing more
    expect((await produce(s, makeBatch(), 0, { client })).errorCode).toBe(KafkaErrorCode.NONE);
  });

  it('leaves an open connection open; the next connection (another broker, or after a reset) is refused', async () => {
    const s = setup({ brokers: 2, partitions: 2 });
    const client = s.cluster.connect({ clientId: 'expiring' });
    expect((await produce(s, makeBatch(), 0, { client })).errorCode).toBe(KafkaErrorCode.NONE);
    s.cluster.faults.refuseAuthentication({ clientId: 'expiring' });

    const onOpen = await produce(s, makeBatch({ baseSequence: 1 }), 0, { client });
    expect([onOpen.errorCode, onOpen.baseOffset]).toEqual([KafkaErrorCode.NONE, 1n]);
    await expect(produce(s, makeBatch({ producerId: 2n }), 1, { client })).rejects.toMatchObject({
      code: 'EAUTH',
      nodeId: 2,
    });

    s.cluster.faults.resetConnections({ nodeId: 1 });
    await expect(produce(s, makeBatch({ baseSequence: 2 }), 0, { client })).rejects.toMatchObject({
      code: 'EAUTH',
      nodeId: 1,
    });
    expect(logShape(s).end).toBe(2);
  });

  it('matches on nodeId', async () => {
    const s = setup({ brokers: 2, partitions: 2 });
    s.cluster.faults.refuseAuthentication({ nodeId: 2 });
    expect((await produce(s, makeBatch(), 0)).errorCode).toBe(KafkaErrorCode.NONE);
    await expect(produce(s, makeBatch({ producerId: 2n }), 1)).rejects.toMatchObject({
      code: 'EAUTH',
      nodeId: 2,
    });
  });

  it('regression: a connection attempt to a stopped broker is not remembered, so it is refused authentication once the broker is back', async () => {
    const s = setup();
    const client = s.cluster.connect({ clientId: 'bad-creds' });
    const fault = s.cluster.faults.refuseAuthentication({ clientId: 'bad-creds' }, { count: 1 });
    s.cluster.faults.stopBroker(1, { downMs: 1_000 });
    await expect(produce(s, makeBatch(), 0, { client, nodeId: 1 })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
      notSent: true,
    });
    expect(fault.remaining).toBe(1); // the refused TCP connection never reached the handshake

    s.clock.advance(1_000);
    expect(s.cluster.events.at(-1)).toMatchObject({ kind: 'broker-up', nodeId: 1 });
    await expect(produce(s, makeBatch(), 0, { client, nodeId: 1 })).rejects.toMatchObject({
      code: 'EAUTH',
      notSent: true,
      fatalConnection: 'authentication',
    });
    expect(fault.active).toBe(false);
    expect((await produce(s, makeBatch(), 0, { client, nodeId: 1 })).errorCode).toBe(KafkaErrorCode.NONE);
  });

  it('regression: the same when the rule is added while the broker is down', async () => {
    const s = setup();
    const client = s.cluster.connect({ clientId: 'bad-creds' });
    s.cluster.faults.stopBroker(1, { downMs: 1_000 });
    await expect(produce(s, makeBatch(), 0, { client, nodeId: 1 })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
      notSent: true,
    });
    s.cluster.faults.refuseAuthentication({ clientId: 'bad-creds' });
    s.clock.advance(1_000);
    await expect(produce(s, makeBatch(), 0, { client, nodeId: 1 })).rejects.toMatchObject({
      code: 'EAUTH',
      fatalConnection: 'authentication',
    });
    expect(logShape(s).end).toBe(0);
  });
});

describe('faults.stopBroker', () => {
  it('refuses requests (ECONNREFUSED, notSent); Metadata names it until failover, then a live leader; it comes back', async () => {
    const s = setup({ brokers: 3, partitions: 3 });
    expect([0, 1, 2].map((p) => s.cluster.leaderOf('t', p))).toEqual([1, 2, 3]);
    expect((await produce(s, makeBatch(), 0)).errorCode).toBe(KafkaErrorCode.NONE); // an open connection to 1

    s.cluster.faults.stopBroker(1, { downMs: 20_000, failoverAfterMs: 5_000 });
    expect(s.cluster.events.at(-1)).toMatchObject({
      kind: 'broker-stopped',
      nodeId: 1,
      detail: 'down 20000 ms, failover after 5000 ms',
    });
    await expect(produce(s, makeBatch({ baseSequence: 1 }), 0, { nodeId: 1 })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
      notSent: true,
      nodeId: 1,
    });
    await expect(metadataOn(s, 1, ['t'])).rejects.toMatchObject({ code: 'ECONNREFUSED', notSent: true });
    expect(logShape(s).end).toBe(1);

    // The controller has not noticed: Metadata from a live broker still names the dead one.
    expect(leaders(await metadataOn(s, 2, ['t']))).toEqual([
      [0, 1, 0],
      [1, 2, 0],
      [2, 3, 0],
    ]);
    s.clock.advance(4_999);
    const before = await metadataOn(s, 3, ['t']);
    expect(leaders(before)[0]).toEqual([0, 1, 0]);
    expect(before.brokers.map((b) => b.nodeId)).toEqual([1, 2, 3]);

    s.clock.advance(1);
    const after = await metadataOn(s, 2, ['t']);
    expect(after.brokers.map((b) => b.nodeId)).toEqual([2, 3]);
    const [, newLeader, epoch] = leaders(after)[0]!;
    expect([2, 3]).toContain(newLeader);
    expect(epoch).toBe(1);
    expect(leaders(after).slice(1)).toEqual([
      [1, 2, 0],
      [2, 3, 0],
    ]);
    expect(s.cluster.leaderOf('t', 0)).toBe(newLeader);
    expect(s.cluster.events.slice(-2)).toMatchObject([
      { kind: 'leader-moved', topic: 't', partition: 0, nodeId: newLeader, detail: 'from 1 (failover)' },
      { kind: 'broker-fenced', nodeId: 1, detail: '1 leadership(s) moved' },
    ]);
    // The new leader has the log and the producer state: the next sequence continues it.
    const next = await produce(s, makeBatch({ baseSequence: 1 }), 0);
    expect([next.errorCode, next.baseOffset]).toEqual([KafkaErrorCode.NONE, 1n]);

    s.clock.advance(14_999);
    await expect(metadataOn(s, 1, ['t'])).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    s.clock.advance(1);
    expect(s.cluster.events.at(-1)).toMatchObject({ kind: 'broker-up', nodeId: 1 });
    const back = await metadataOn(s, 1, ['t']);
    expect(back.brokers.map((b) => b.nodeId)).toEqual([1, 2, 3]);
    expect(leaders(back)[0]![1]).toBe(newLeader); // it rejoined as a follower
    const onFollower = await produce(s, makeBatch({ baseSequence: 2 }), 0, { nodeId: 1 });
    expect(onFollower.errorCode).toBe(KafkaErrorCode.NOT_LEADER_OR_FOLLOWER);
  });

  it('fails over after 9 s by default, and a broker back before then keeps its leaderships', async () => {
    const s = setup({ brokers: 3, partitions: 3 });
    s.cluster.faults.stopBroker(2, { downMs: 8_000 });
    s.clock.advance(8_000);
    s.clock.advance(10_000);
    expect(s.cluster.leaderOf('t', 1)).toBe(2);
    expect(kinds(s)).not.toContain('broker-fenced');
    expect((await produce(s, makeBatch(), 1)).errorCode).toBe(KafkaErrorCode.NONE);

    s.cluster.faults.stopBroker(3);
    s.clock.advance(8_999);
    expect(s.cluster.leaderOf('t', 2)).toBe(3);
    s.clock.advance(1);
    expect(s.cluster.leaderOf('t', 2)).not.toBe(3);
    expect(s.cluster.events.at(-1)).toMatchObject({ kind: 'broker-fenced', nodeId: 3 });
    s.clock.advance(1_000_000);
    await expect(metadataOn(s, 3, ['t'])).rejects.toMatchObject({ code: 'ECONNREFUSED' }); // down for good
  });
});

describe('faults.staleMetadata', () => {
  it('freezes one broker’s Metadata for forMs: a leader move is not visible there until then', async () => {
    const s = setup({ brokers: 2 });
    s.cluster.faults.staleMetadata(2, 1_000);
    expect(s.cluster.events.at(-1)).toMatchObject({ kind: 'metadata-stale', nodeId: 2, detail: '1000 ms' });
    expect(s.cluster.moveLeader('t', 0)).toBe(2);

    expect(leaders(await metadataOn(s, 1, ['t']))).toEqual([[0, 2, 1]]);
    expect(leaders(await metadataOn(s, 2, ['t']))).toEqual([[0, 1, 0]]);
    s.clock.advance(999);
    expect(leaders(await metadataOn(s, 2, ['t']))).toEqual([[0, 1, 0]]);
    s.clock.advance(1);
    expect(leaders(await metadataOn(s, 2, ['t']))).toEqual([[0, 2, 1]]);
  });

  it('a topic created meanwhile is unknown on the stale broker, and it does not auto-create', async () => {
    const s = setup({ brokers: 2 });
    s.cluster.faults.staleMetadata(2, 1_000);
    s.cluster.createTopic('fresh');
    const stale = await metadataOn(s, 2, ['fresh', 'never-seen']);
    expect(stale.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['fresh', KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['never-seen', KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ]);
    expect(s.cluster.topicNames).not.toContain('never-seen');
    const live = await metadataOn(s, 1, ['fresh']);
    expect(live.topics[0]!.errorCode).toBe(KafkaErrorCode.NONE);
    s.clock.advance(1_000);
    expect((await metadataOn(s, 2, ['fresh'])).topics[0]!.errorCode).toBe(KafkaErrorCode.NONE);
  });
});

describe('cluster.setTopicWrite', () => {
  it('false: Produce answers TOPIC_AUTHORIZATION_FAILED and appends nothing; true restores', async () => {
    const s = setup();
    s.cluster.createTopic('other');
    s.cluster.setTopicWrite('t', false);
    s.cluster.setTopicWrite('t', false); // no change, no event
    const batch = makeBatch();
    for (let i = 0; i < 2; i++) {
      expect((await produce(s, batch)).errorCode).toBe(KafkaErrorCode.TOPIC_AUTHORIZATION_FAILED);
    }
    expect(logShape(s).end).toBe(0);
    expect(s.cluster.describeProducers('t', 0)).toEqual([]);
    const elsewhere = await produce(s, makeBatch({ producerId: 2n }), 0, { topic: 'other' });
    expect(elsewhere.errorCode).toBe(KafkaErrorCode.NONE);

    s.cluster.setTopicWrite('t', true);
    const restored = await produce(s, batch);
    expect([restored.errorCode, restored.baseOffset]).toEqual([KafkaErrorCode.NONE, 0n]);
    expect(logShape(s).end).toBe(1);
    expect(s.cluster.events.filter((e) => e.topic === 't').map((e) => e.kind)).toEqual([
      'topic-write-denied',
      'topic-write-allowed',
    ]);
  });
});

describe('cluster.deleteTopic and createTopic', () => {
  it('in between Produce answers UNKNOWN_TOPIC_OR_PARTITION; the recreated topic is empty and takes a batch at offset 0', async () => {
    const s = setup();
    expect((await produce(s, makeBatch({ count: 3 }))).baseOffset).toBe(0n);
    expect((await produce(s, makeBatch({ baseSequence: 3 }))).baseOffset).toBe(3n);

    expect(s.cluster.deleteTopic('t')).toBe(true);
    expect(s.cluster.deleteTopic('t')).toBe(false);
    expect(s.cluster.topicNames).not.toContain('t');
    const gone = await produce(s, makeBatch({ baseSequence: 4 }), 0, { nodeId: 1 });
    expect(gone.errorCode).toBe(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

    s.cluster.createTopic('t');
    expect(s.cluster.readLog('t', 0)).toMatchObject({ logStartOffset: 0, logEndOffset: 0, batches: [] });
    expect(s.cluster.describeProducers('t', 0)).toEqual([]);
    const fresh = await produce(s, makeBatch());
    expect([fresh.errorCode, fresh.baseOffset]).toEqual([KafkaErrorCode.NONE, 0n]);
    expect(logShape(s)).toEqual({ offsets: [0], end: 1 });

    const [old, live] = s.cluster.topicGenerations('t');
    expect(old).toMatchObject({ deleted: true, partitions: 1 });
    expect(live).toMatchObject({ deleted: false, deletedAt: -1 });
    expect(live!.topicId).not.toBe(old!.topicId);
    expect(s.cluster.readGenerationLog(old!.topicId, 0).logEndOffset).toBe(4);
    expect(s.cluster.events.map((e) => [e.kind, e.detail])).toEqual([
      ['topic-deleted', old!.topicId],
      ['topic-created', `recreated as ${live!.topicId}`],
    ]);
  });

  it('with autoCreateTopics false, Metadata answers UNKNOWN_TOPIC_OR_PARTITION and does not recreate it', async () => {
    const s = setup({ autoCreateTopics: false });
    s.cluster.deleteTopic('t');
    const r = await s.client.metadata(['t']);
    expect(r.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['t', KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ]);
    expect(s.cluster.topicNames).not.toContain('t');
    expect((await produce(s, makeBatch(), 0, { nodeId: 1 })).errorCode).toBe(
      KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
  });

  it('with autoCreateTopics on (the default), Metadata recreates it as a new, empty topic', async () => {
    const s = setup();
    expect((await produce(s, makeBatch())).errorCode).toBe(KafkaErrorCode.NONE);
    s.cluster.deleteTopic('t');
    const r = await s.client.metadata(['t']);
    expect(r.topics[0]).toMatchObject({ name: 't', errorCode: KafkaErrorCode.LEADER_NOT_AVAILABLE });
    expect(s.cluster.topicNames).toContain('t');
    expect(s.cluster.readLog('t', 0).logEndOffset).toBe(0);
    expect(s.cluster.topicGenerations('t').map((g) => g.deleted)).toEqual([true, false]);
  });
});

describe('faults.silenceBroker', () => {
  const metadataVia = (s: Setup, nodeId: number, connectionId: string) =>
    s.cluster.request(nodeId, connectionId, 'Metadata', {
      topics: [{ topicId: ZERO_UUID, name: 't' }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });

  it('takes every request for forMs and answers none; the other brokers answer; afterwards it serves new connections', async () => {
    const s = setup({ brokers: 2 });
    s.cluster.faults.silenceBroker(2, 1_000);
    expect(s.cluster.events.at(-1)).toMatchObject({ kind: 'broker-silent', nodeId: 2, detail: '1000 ms' });
    let silentAnswered = false;
    void metadataVia(s, 2, 'probe-a').then(() => {
      silentAnswered = true;
    });
    expect(leaders((await metadataVia(s, 1, 'probe-b'))!)).toEqual([[0, 1, 0]]);
    s.clock.advance(999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(silentAnswered).toBe(false);
    s.clock.advance(1);
    // A new connection is served again; the one that went silent stays so until the client drops it.
    expect(leaders((await metadataVia(s, 2, 'probe-c'))!)).toEqual([[0, 1, 0]]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(silentAnswered).toBe(false);
    expect(() => s.cluster.faults.silenceBroker(1, 0)).toThrow(RangeError);
  });
});
