// The proxy between a fake client and a fake broker: every fault kind, with exact knowledge of what the broker
// received and what the client got.
import { Reader } from '@idem/codec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../src/fault-proxy.js';
import { eventually, FakeBroker, FakeClient, sleep } from './helpers/fake-kafka.js';

const PRODUCE = 0;
const METADATA = 3;
const FETCH = 1;

let broker: FakeBroker;
let proxy: FaultProxy;
const clients: FakeClient[] = [];

async function client(address = proxy.bootstrap): Promise<FakeClient> {
  const c = await FakeClient.connect(address);
  clients.push(c);
  return c;
}

const receivedIds = () => broker.received.map((r) => r.correlationId);

beforeEach(async () => {
  broker = await FakeBroker.start();
  proxy = await startFaultProxy({ upstream: broker.address, seed: 7, maxLifetimeMs: 30_000 });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await proxy.close();
  await broker.close();
});

describe('fault proxy (fake broker)', () => {
  it('passes requests and responses through untouched when no rule fires', async () => {
    const c = await client();
    for (let id = 1; id <= 20; id++) c.send(FETCH, id, { body: Buffer.from(`payload-${id}`) });
    await c.waitFor(20);
    expect(c.responses.map((r) => r.correlationId)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(c.responses[4]?.body.subarray(-9).toString()).toBe('payload-5');
    expect(receivedIds()).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('rewrites advertised addresses to a listener of its own that reaches the broker', async () => {
    const c = await client();
    c.send(METADATA, 1);
    await c.waitFor(1);
    const reader = new Reader((c.responses[0] as { body: Buffer }).body);
    expect(reader.int32('brokers')).toBe(1);
    expect(reader.int32('nodeId')).toBe(1);
    const host = reader.string('host');
    const port = reader.int32('port');
    expect(host).toBe('127.0.0.1');
    expect(port).not.toBe(broker.port);
    expect(proxy.nodes().find((n) => n.nodeId === 1)).toEqual({
      nodeId: 1,
      upstream: { host: '127.0.0.1', port: broker.port },
      listen: { host: '127.0.0.1', port },
    });
    const direct = await client(`${host}:${port}`);
    direct.send(FETCH, 77);
    await direct.waitFor(1);
    expect(direct.responses[0]?.correlationId).toBe(77);
    expect(proxy.events.some((e) => e.kind === 'connectionOpened' && e.nodeId === 1)).toBe(true);
  });

  it('ackLost: the broker processes the request, its response is dropped, then the client is cut', async () => {
    proxy.addFault({ kind: 'ackLost', apiKeys: [PRODUCE], skip: 1 });
    const c = await client();
    c.send(PRODUCE, 1);
    await c.waitFor(1);
    c.send(PRODUCE, 2);
    await c.closed;
    expect(receivedIds()).toEqual([1, 2]);
    expect(c.responses.map((r) => r.correlationId)).toEqual([1]);
    expect(proxy.count('ackLost')).toBe(1);
    const lost = proxy.events.find((e) => e.kind === 'ackLost');
    expect(lost).toMatchObject({ apiKey: PRODUCE, correlationId: 2, ruleId: 1 });
  });

  it('cut: the request never reaches the broker and earlier requests in flight lose their responses', async () => {
    proxy.addFault({ kind: 'cut', apiKeys: [PRODUCE], skip: 2 });
    broker.holding = true;
    const c = await client();
    c.send(PRODUCE, 1);
    c.send(PRODUCE, 2);
    await eventually(() => broker.received.length === 2, 2_000, 'two requests at the broker');
    c.send(PRODUCE, 3);
    await c.closed;
    broker.release();
    await sleep(50);
    expect(receivedIds()).toEqual([1, 2]);
    expect(c.responses).toEqual([]);
    expect(proxy.events.find((e) => e.kind === 'cut')).toMatchObject({ correlationId: 3, inFlight: 2 });
  });

  it('delay: holds a response for N ms, and the responses after it wait too (Kafka order)', async () => {
    proxy.addFault({ kind: 'delay', apiKeys: [PRODUCE], delayMs: 300 });
    const c = await client();
    const sentAt = performance.now();
    c.send(PRODUCE, 1);
    c.send(FETCH, 2);
    await c.waitFor(2);
    expect(c.responses.map((r) => r.correlationId)).toEqual([1, 2]);
    expect((c.responses[0]?.at ?? 0) - sentAt).toBeGreaterThanOrEqual(290);
    // The broker answered at once; only the proxy waited.
    expect((broker.received[1]?.at ?? Number.POSITIVE_INFINITY) - sentAt).toBeLessThan(200);
    expect(proxy.count('delay')).toBe(1);
  });

  it('blackhole then release: nothing moves for N ms, then everything arrives in order', async () => {
    proxy.addFault({ kind: 'blackhole', apiKeys: [PRODUCE], durationMs: 300, end: 'release' });
    const c = await client();
    const sentAt = performance.now();
    c.send(PRODUCE, 1);
    c.send(FETCH, 2);
    await sleep(150);
    expect(broker.received).toEqual([]);
    await c.waitFor(2);
    expect(c.responses.map((r) => r.correlationId)).toEqual([1, 2]);
    expect((broker.received[0]?.at ?? 0) - sentAt).toBeGreaterThanOrEqual(290);
    expect(proxy.counters()).toMatchObject({ blackhole: 1, blackholeEnd: 1 });
  });

  it('blackhole then cut: the connection dies after N ms without the broker ever seeing the request', async () => {
    proxy.addFault({ kind: 'blackhole', apiKeys: [PRODUCE], durationMs: 200, end: 'cut' });
    const c = await client();
    const sentAt = performance.now();
    c.send(PRODUCE, 1);
    await c.closed;
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(190);
    expect(broker.received).toEqual([]);
    expect(c.responses).toEqual([]);
  });

  it('blackholeNode: connections opened during the hole are held too (a broker that accepts but never answers)', async () => {
    proxy.blackholeNode('bootstrap', 250);
    const c = await client();
    const sentAt = performance.now();
    c.send(FETCH, 1);
    await c.waitFor(1);
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(200);
  });

  it('acks=0 Produce expects no response: later responses still match their requests', async () => {
    proxy.addFault({ kind: 'delay', apiKeys: [FETCH], delayMs: 1 });
    const c = await client();
    c.send(PRODUCE, 1, { acks: 0 });
    c.send(FETCH, 2);
    await c.waitFor(1);
    await sleep(30);
    expect(c.responses.map((r) => r.correlationId)).toEqual([2]);
    expect(proxy.count('unmatchedResponse')).toBe(0);
    expect(proxy.events.find((e) => e.kind === 'delay')).toMatchObject({ correlationId: 2 });
  });

  it('probabilistic rules replay from the seed', async () => {
    const hitIds = async (seed: number) => {
      const p = await startFaultProxy({ upstream: broker.address, seed, maxLifetimeMs: 10_000 });
      try {
        p.addFault({ kind: 'delay', delayMs: 0, probability: 0.25, count: Number.POSITIVE_INFINITY });
        const c = await client(p.bootstrap);
        for (let id = 1; id <= 200; id++) c.send(FETCH, id);
        await c.waitFor(200);
        return p.events.filter((e) => e.kind === 'delay').map((e) => e.correlationId);
      } finally {
        await p.close();
      }
    };
    const first = await hitIds(99);
    expect(first.length).toBeGreaterThan(20);
    expect(await hitIds(99)).toEqual(first);
    expect(await hitIds(100)).not.toEqual(first);
  });

  it('cuts a connection that announces a frame above maxFrameBytes', async () => {
    const small = await startFaultProxy({
      upstream: broker.address,
      maxFrameBytes: 1_024,
      maxLifetimeMs: 10_000,
    });
    try {
      const c = await client(small.bootstrap);
      c.sendRaw(Buffer.from([0x00, 0x10, 0x00, 0x00, 1, 2, 3]));
      await c.closed;
      expect(small.count('frameTooLarge')).toBe(1);
    } finally {
      await small.close();
    }
  });

  it('stops by itself after maxLifetimeMs, closing every connection', async () => {
    const short = await startFaultProxy({ upstream: broker.address, maxLifetimeMs: 200 });
    const c = await client(short.bootstrap);
    await c.closed;
    expect(short.isClosed).toBe(true);
    expect(short.count('lifetimeExpired')).toBe(1);
    await expect(FakeClient.connect(short.bootstrap)).rejects.toThrow();
  });

  it('close() ends every socket and refuses new connections', async () => {
    const a = await client();
    const b = await client();
    a.send(FETCH, 1);
    await a.waitFor(1);
    await proxy.close();
    await Promise.all([a.closed, b.closed]);
    await eventually(() => broker.connections === 0, 2_000, 'broker side closed');
    await expect(FakeClient.connect(proxy.bootstrap)).rejects.toThrow();
  });

  it('cutConnections() cuts now, counting what was in flight', async () => {
    broker.holding = true;
    const c = await client();
    c.send(FETCH, 1);
    await eventually(() => broker.received.length === 1, 2_000, 'request at the broker');
    expect(proxy.requestsInFlight()).toBe(1);
    expect(proxy.cutConnections({ nodeId: 'bootstrap' })).toBe(1);
    await c.closed;
    expect(proxy.events.find((e) => e.kind === 'cut')).toMatchObject({ inFlight: 1, detail: 'manual' });
  });

  it('closes the connection rather than forward an advertised address outside loopback', async () => {
    // A broker advertising 10.x would make the proxy dial off-host: the response must not get through.
    const rogue = await FakeBroker.start();
    const original = (rogue as unknown as { metadataV1: () => Buffer }).metadataV1;
    (rogue as unknown as { metadataV1: () => Buffer }).metadataV1 = function (this: FakeBroker) {
      const body = original.call(this);
      return Buffer.concat([
        body.subarray(0, 8),
        Buffer.from([0, 8]),
        Buffer.from('10.0.0.9'),
        body.subarray(8 + 2 + 9),
      ]);
    };
    const p = await startFaultProxy({ upstream: rogue.address, maxLifetimeMs: 10_000 });
    try {
      const c = await client(p.bootstrap);
      c.send(METADATA, 1);
      await c.closed;
      expect(c.responses).toEqual([]);
      expect(p.nodes().map((n) => n.nodeId)).toEqual(['bootstrap']);
      expect(p.count('malformedFrame')).toBe(1);
    } finally {
      await p.close();
      await rogue.close();
    }
  });
});
