import { KafkaErrorCode } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import { MemoryCluster } from '../src/cluster/memory-cluster.js';
import { logShape, makeBatch, produce, produceRequest, setup, T0 } from './helpers.js';

/** Resolves to 'pending' if the promise has not settled after the microtask queue drained. */
async function state(p: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  let s: 'pending' | 'resolved' | 'rejected' = 'pending';
  p.then(
    () => {
      s = 'resolved';
    },
    () => {
      s = 'rejected';
    },
  );
  await new Promise((r) => setImmediate(r));
  return s;
}

describe('fault injection', () => {
  it('ack lost: appends, loses the response, resets the connection; the retry gets the original offset', async () => {
    const s = setup();
    s.cluster.faults.loseResponse({ api: 'Produce', topic: 't' });
    const batch = makeBatch({ count: 2 });
    await expect(produce(s, batch)).rejects.toMatchObject({ code: 'ECONNRESET', notSent: false });
    expect(s.cluster.events.at(-1)).toMatchObject({
      kind: 'ack-lost',
      nodeId: 1,
      api: 'Produce',
      detail: 'reset',
      appended: [{ topic: 't', partition: 0, baseOffset: 0, lastOffset: 1 }],
    });
    const retry = await produce(s, batch);
    expect([retry.errorCode, retry.baseOffset]).toEqual([0, 0n]);
    expect(logShape(s).end).toBe(2);
  });

  it('ack lost, blackhole: silence (later requests on that connection too) until the client disconnects', async () => {
    const s = setup();
    s.cluster.faults.loseResponse({ api: 'Produce' }, { afterwards: 'blackhole' });
    const first = produce(s, makeBatch({ baseSequence: 0 }));
    const second = produce(s, makeBatch({ baseSequence: 1 }));
    s.clock.advance(60_000);
    expect(await state(first)).toBe('pending');
    expect(await state(second)).toBe('pending');
    expect(logShape(s).end).toBe(1); // the first was appended, the second never read
    s.client.disconnect(1);
    await expect(first).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(second).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await produce(s, makeBatch({ baseSequence: 1 }))).baseOffset).toBe(1n);
    expect(s.cluster.events.filter((e) => e.kind === 'ack-lost')).toMatchObject([{ detail: 'blackhole' }]);
  });

  it('request lost: nothing appended, the client sees only a reset (no notSent: it cannot know)', async () => {
    const s = setup();
    s.cluster.faults.loseRequest({ api: 'Produce' });
    await expect(produce(s, makeBatch())).rejects.toMatchObject({ code: 'ECONNRESET', notSent: false });
    expect(logShape(s).end).toBe(0);
    expect(s.cluster.events.at(-1)).toMatchObject({ kind: 'request-lost', appended: [] });
    expect((await produce(s, makeBatch())).baseOffset).toBe(0n);
  });

  it('delays a response on the clock; the append happened at once', async () => {
    const s = setup();
    s.cluster.faults.delayResponses({ api: 'Produce' }, { ms: 250 });
    const p = produce(s, makeBatch());
    expect(logShape(s).end).toBe(1);
    s.clock.advance(249);
    expect(await state(p)).toBe('pending');
    s.clock.advance(1);
    expect((await p).baseOffset).toBe(0n);
    expect(s.cluster.events.at(-1)).toMatchObject({ kind: 'response-delayed', detail: '250 ms' });
  });

  it('answers each connection strictly in order, even when an earlier response is delayed', async () => {
    const s = setup();
    s.cluster.faults.delayResponses({ api: 'Produce' }, { ms: 100 });
    const order: number[] = [];
    const a = produce(s, makeBatch({ baseSequence: 0 })).then(() => order.push(0));
    const b = produce(s, makeBatch({ baseSequence: 1 })).then(() => order.push(1));
    expect(logShape(s).end).toBe(1); // b is not even read while a's answer is pending
    s.clock.advance(100);
    await Promise.all([a, b]);
    expect(order).toEqual([0, 1]);
  });

  it('reorders responses across connections (held on one, answered on the other), never within one', async () => {
    const s = setup({ partitions: 2 });
    const other = s.cluster.connect();
    const hold = s.cluster.faults.holdResponses({ connectionId: 'client-1/node-1/1' });
    const order: string[] = [];
    const a = produce(s, makeBatch({ producerId: 1n }), 0).then(() => order.push('client-1'));
    const b = produce(s, makeBatch({ producerId: 2n }), 1, { client: other }).then(() =>
      order.push('client-2'),
    );
    await b;
    expect(hold.held).toBe(1);
    hold.release();
    await a;
    expect(order).toEqual(['client-2', 'client-1']);
    expect(s.cluster.events.find((e) => e.kind === 'response-held')).toMatchObject({
      connectionId: 'client-1/node-1/1',
    });
  });

  it('injects an error code for the next N requests matching api, topic, partition and node', async () => {
    const s = setup({ partitions: 2 });
    const fault = s.cluster.faults.injectError(
      { api: 'Produce', topic: 't', partition: 1, nodeId: 1 },
      KafkaErrorCode.NOT_ENOUGH_REPLICAS,
      { count: 2 },
    );
    expect((await produce(s, makeBatch(), 0)).errorCode).toBe(0); // partition 0 does not match
    for (let i = 0; i < 2; i++) {
      expect((await produce(s, makeBatch({ producerId: 5n }), 1)).errorCode).toBe(
        KafkaErrorCode.NOT_ENOUGH_REPLICAS,
      );
    }
    expect(fault.remaining).toBe(0);
    expect((await produce(s, makeBatch({ producerId: 5n }), 1)).errorCode).toBe(0);
    expect(s.cluster.events.filter((e) => e.kind === 'error-injected')).toMatchObject([
      { topic: 't', partition: 1, errorCode: KafkaErrorCode.NOT_ENOUGH_REPLICAS },
      { topic: 't', partition: 1, errorCode: KafkaErrorCode.NOT_ENOUGH_REPLICAS },
    ]);
  });

  it('an injected error after the append: the client sees REQUEST_TIMED_OUT but the batch is in the log', async () => {
    const s = setup();
    s.cluster.faults.injectError({ api: 'Produce' }, KafkaErrorCode.REQUEST_TIMED_OUT, { afterAppend: true });
    const batch = makeBatch();
    expect((await produce(s, batch)).errorCode).toBe(KafkaErrorCode.REQUEST_TIMED_OUT);
    expect(logShape(s).end).toBe(1);
    expect((await produce(s, batch)).baseOffset).toBe(0n);
    expect(s.cluster.events.at(-1)).toMatchObject({ kind: 'error-injected', detail: 'rule, after append' });
  });

  it('an error planned for after the append does not replace the refusal of a batch the log did not take', async () => {
    // Kafka answers NOT_ENOUGH_REPLICAS_AFTER_APPEND (or a timeout) only once the local append succeeded; a batch
    // the log refused (here too large) is answered with the log's own error, so the client knows it is not written.
    const s = setup({ topicDefaults: { maxMessageBytes: 100 } });
    s.cluster.faults.injectError({ api: 'Produce' }, KafkaErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, {
      afterAppend: true,
    });
    const big = makeBatch({ count: 12 });
    expect((await produce(s, big)).errorCode).toBe(KafkaErrorCode.MESSAGE_TOO_LARGE);
    expect(logShape(s).end).toBe(0);
    expect(s.cluster.events.some((e) => e.kind === 'error-injected')).toBe(false);
  });

  it('injects an error into InitProducerId at the top level', async () => {
    const s = setup();
    s.cluster.faults.injectError({ api: 'InitProducerId' }, KafkaErrorCode.NOT_COORDINATOR);
    const r = await s.client.initProducerId({
      transactionalId: null,
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
      enable2Pc: false,
      keepPreparedTxn: false,
    });
    expect([r.errorCode, r.producerId]).toEqual([KafkaErrorCode.NOT_COORDINATOR, -1n]);
  });

  it('resets connections with requests in flight; each rejects ECONNRESET and the event says how many', async () => {
    const s = setup();
    s.cluster.faults.delayResponses({ api: 'Produce' }, { ms: 10, count: 1 });
    const a = produce(s, makeBatch({ baseSequence: 0 }));
    const b = produce(s, makeBatch({ baseSequence: 1 }));
    expect(s.cluster.faults.resetConnections({ nodeId: 1 })).toBe(1);
    await expect(a).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(b).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(logShape(s).end).toBe(1); // a was processed, b never read
    expect(s.cluster.events.at(-1)).toMatchObject({
      kind: 'connection-reset',
      nodeId: 1,
      detail: 'fault; 2 request(s) in flight',
    });
  });

  it('a reset connection stays dead: a request written to its id afterwards is refused, never served', async () => {
    // A client learns of a reset only when its pending request rejects; what it writes before then must not
    // reach the broker on a silently reopened connection (two live connections would reorder its batches).
    const s = setup();
    const produceOn = (connectionId: string, baseSequence: number) =>
      s.cluster.request(1, connectionId, 'Produce', produceRequest('t', 0, makeBatch({ baseSequence })), 11);
    s.cluster.faults.delayResponses({ api: 'Produce' }, { ms: 10, count: 1 });
    const first = produceOn('c-1', 0);
    expect(s.cluster.faults.resetConnections({ nodeId: 1, connectionId: 'c-1' })).toBe(1);
    const late = produceOn('c-1', 1);
    await expect(first).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(late).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(logShape(s).end).toBe(1); // first was appended before the reset; late never reached the log
    const fresh = await produceOn('c-2', 1);
    expect(fresh?.responses[0]?.partitionResponses[0]).toMatchObject({
      errorCode: KafkaErrorCode.NONE,
      baseOffset: 1n,
    });
  });

  it('remembers the most recent 10,000 closed connection ids per broker, so a long-lived server stays bounded', async () => {
    const s = setup();
    const metadata = {
      topics: [],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    };
    for (let i = 0; i <= 10_000; i++) {
      await s.cluster.request(1, `gone-${i}`, 'Metadata', metadata);
      s.cluster.closeConnection(1, `gone-${i}`);
    }
    expect(s.cluster.isConnectionClosed(1, 'gone-0')).toBe(false);
    expect(s.cluster.isConnectionClosed(1, 'gone-1')).toBe(true);
    expect(s.cluster.isConnectionClosed(1, 'gone-10000')).toBe(true);
    expect(s.cluster.isConnectionClosed(1, 'never-opened')).toBe(false);
  });

  it('records leader moves and restarts in the event log', () => {
    const s = setup({ brokers: 2 });
    s.cluster.faults.moveLeader('t', 0);
    s.cluster.faults.restartBroker(2, { producerState: 'lost' });
    expect(s.cluster.events.map((e) => [e.kind, e.nodeId, e.detail])).toEqual([
      ['leader-moved', 2, 'from 1'],
      ['broker-restarted', 2, 'lost'],
    ]);
  });

  it('a random schedule is deterministic for a seed, and differs across seeds', async () => {
    async function run(seed: number): Promise<string[]> {
      const clock = new ManualClock(T0);
      const cluster = new MemoryCluster({ clock, seed, brokers: 2, topics: { t: { partitions: 2 } } });
      cluster.faults.randomSchedule({
        probabilities: { ackLost: 0.2, requestLost: 0.1, error: 0.2, delay: 0.3, leaderMove: 0.05 },
        delayMs: [1, 5],
      });
      const client = cluster.connect();
      for (let i = 0; i < 60; i++) {
        const partition = i % 2;
        const nodeId = cluster.leaderOf('t', partition);
        const p = client.produce(
          nodeId,
          produceRequest('t', partition, makeBatch({ producerId: BigInt(i) })),
        );
        p.catch(() => {});
        clock.advance(10);
        await p.catch(() => {});
      }
      return cluster.events.map(
        (e) => `${e.kind}:${e.nodeId ?? ''}:${e.partition ?? ''}:${e.errorCode ?? ''}:${e.detail ?? ''}`,
      );
    }
    const a = await run(7);
    expect(a.length).toBeGreaterThan(10);
    expect(await run(7)).toEqual(a);
    expect(await run(8)).not.toEqual(a);
    const kinds = new Set(a.map((e) => e.split(':')[0]));
    for (const kind of ['ack-lost', 'request-lost', 'error-injected', 'response-delayed'])
      expect(kinds).toContain(kind);
  });
});
