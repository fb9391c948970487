// The proxy between a fake client and a fake broker: every fault kind, with exact knowledge of what the broker
// received and what the client got.
import { apis, Reader, Writer } from '@idem/codec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../src/fault-proxy.js';
import { eventually, FakeBroker, FakeClient, sleep } from './helpers/fake-kafka.js';
import type { RequestInfo } from '../src/request-header.js';

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

describe('fault proxy: KIP-951 NodeEndpoints in Produce and Fetch responses (fake broker)', () => {
  const TOPIC_ID = '5f0c2a44-9c1e-4d52-8a3b-0e6f2c7d9b11';
  let other: FakeBroker;

  beforeEach(async () => {
    other = await FakeBroker.start();
  });

  afterEach(async () => {
    await other.close();
  });

  /** What a leader change looks like: partition 0 moved to node 2 (the other broker), named by NodeEndpoints. */
  const endpoints = () => [
    { nodeId: 1, host: '127.0.0.1', port: broker.port, rack: 'r1' },
    { nodeId: 2, host: 'localhost', port: other.port, rack: null },
  ];
  const produceResponse = (version: number, withEndpoints = true) => ({
    responses: [
      {
        ...(version >= 13 ? { topicId: TOPIC_ID } : { name: 'orders' }),
        partitionResponses: [
          { index: 0, errorCode: 6, baseOffset: -1n, currentLeader: { leaderId: 2, leaderEpoch: 5 } },
          { index: 1, errorCode: 0, baseOffset: 77n },
        ],
      },
    ],
    throttleTimeMs: 0,
    ...(withEndpoints ? { nodeEndpoints: endpoints() } : {}),
  });
  const produceRequest = (version: number, correlationId: number) =>
    apis.Produce.request.encodeFrame(
      { apiVersion: version, correlationId, clientId: 'fake' },
      {
        transactionalId: null,
        acks: -1,
        timeoutMs: 30_000,
        topicData: [{ ...(version >= 13 ? { topicId: TOPIC_ID } : { name: 'orders' }), partitionData: [] }],
      },
    );
  /** Request header v2 and whatever body: the proxy reads no further than the header for Fetch. */
  const flexibleRequest = (apiKey: number, version: number, correlationId: number, body: Buffer) => {
    const payload = new Writer()
      .int16(apiKey)
      .int16(version)
      .int32(correlationId)
      .nullableString('fake')
      .uvarint(0)
      .raw(body)
      .toBuffer();
    return new Writer().int32(payload.length).raw(payload).toBuffer();
  };
  const listenerPort = (nodeId: number) => proxy.nodes().find((n) => n.nodeId === nodeId)?.listen.port;

  for (const version of [10, 13]) {
    it(`Produce v${version}: the client gets NodeEndpoints naming the proxy's listeners, the rest unchanged`, async () => {
      let sent: Buffer | null = null;
      broker.respond = (info: RequestInfo) => {
        if (info.apiKey !== PRODUCE) return null;
        sent = apis.Produce.response.encodeFrame(
          info.apiVersion,
          info.correlationId,
          produceResponse(version),
        );
        return sent;
      };
      const c = await client();
      c.sendRaw(produceRequest(version, 5));
      await c.waitFor(1);
      expect(c.isClosed).toBe(false);
      const got = apis.Produce.response.decodeFrame(version, (c.responses[0] as { frame: Buffer }).frame);
      const original = apis.Produce.response.decodeFrame(version, sent as unknown as Buffer);
      expect(got.correlationId).toBe(5);
      const port1 = listenerPort(1);
      const port2 = listenerPort(2);
      expect(port1).toBeDefined();
      expect(port2).toBeDefined();
      expect(got.body.nodeEndpoints).toEqual([
        { nodeId: 1, host: '127.0.0.1', port: port1, rack: 'r1' },
        { nodeId: 2, host: '127.0.0.1', port: port2, rack: null },
      ]);
      expect([port1, port2]).not.toContain(broker.port);
      expect([port1, port2]).not.toContain(other.port);
      expect({ ...got.body, nodeEndpoints: [] }).toEqual({ ...original.body, nodeEndpoints: [] });
      expect(proxy.nodes().find((n) => n.nodeId === 2)?.upstream).toEqual({
        host: '127.0.0.1',
        port: other.port,
      });
      expect(proxy.events.find((e) => e.kind === 'addressesRewritten')).toMatchObject({
        apiKey: PRODUCE,
        apiVersion: version,
        detail: '2 node(s)',
      });
      // The new leader's address leads through the proxy to the right broker.
      const toLeader = await client(`127.0.0.1:${port2}`);
      toLeader.send(FETCH, 9);
      await toLeader.waitFor(1);
      expect(other.received.map((r) => r.correlationId)).toEqual([9]);
      expect(proxy.requestsForwarded({ nodeId: 2, apiKey: FETCH })).toBe(1);
    });
  }

  it('Produce and Metadata map a node to the same listener', async () => {
    broker.respond = (info: RequestInfo) =>
      info.apiKey === PRODUCE
        ? apis.Produce.response.encodeFrame(
            info.apiVersion,
            info.correlationId,
            produceResponse(info.apiVersion),
          )
        : null;
    const c = await client();
    c.sendRaw(produceRequest(11, 1));
    c.send(METADATA, 2);
    await c.waitFor(2);
    const produced = apis.Produce.response.decodeFrame(11, (c.responses[0] as { frame: Buffer }).frame);
    const metadata = new Reader((c.responses[1] as { body: Buffer }).body);
    metadata.int32('brokers');
    expect(metadata.int32('nodeId')).toBe(1);
    expect(metadata.string('host')).toBe('127.0.0.1');
    expect(produced.body.nodeEndpoints[0]?.port).toBe(metadata.int32('port'));
    expect(proxy.nodes().filter((n) => n.nodeId === 1)).toHaveLength(1);
  });

  it('concurrent rewrites that name the same new nodes share one listener per node', async () => {
    // Started in the same tick, as when two responses arrive in one chunk: neither may open a second listener.
    const produce = apis.Produce.response.encodeFrame(10, 1, produceResponse(10));
    const fetch = apis.Fetch.response.encodeFrame(16, 2, {
      throttleTimeMs: 0,
      responses: [],
      nodeEndpoints: endpoints(),
    });
    const [a, b] = await Promise.all([
      proxy.rewriteAddresses(produce, PRODUCE, 10),
      proxy.rewriteAddresses(fetch, FETCH, 16),
    ]);
    const ports = (list: readonly { nodeId: number; port: number }[]) => list.map((e) => [e.nodeId, e.port]);
    const fromProduce = ports(apis.Produce.response.decodeFrame(10, a).body.nodeEndpoints);
    const fromFetch = ports(apis.Fetch.response.decodeFrame(16, b).body.nodeEndpoints);
    expect(fromFetch).toEqual(fromProduce);
    expect(fromProduce).toEqual([
      [1, listenerPort(1)],
      [2, listenerPort(2)],
    ]);
    expect(proxy.count('listenerOpened')).toBe(3); // bootstrap, node 1, node 2
  });

  it('Fetch v16: NodeEndpoints are rewritten too', async () => {
    broker.respond = (info: RequestInfo) =>
      info.apiKey === FETCH
        ? apis.Fetch.response.encodeFrame(info.apiVersion, info.correlationId, {
            throttleTimeMs: 0,
            responses: [
              {
                topicId: TOPIC_ID,
                partitions: [
                  {
                    partitionIndex: 0,
                    errorCode: 6,
                    highWatermark: -1n,
                    abortedTransactions: null,
                    records: null,
                  },
                ],
              },
            ],
            nodeEndpoints: [{ nodeId: 2, host: 'localhost', port: other.port }],
          })
        : null;
    const c = await client();
    c.sendRaw(flexibleRequest(FETCH, 16, 3, Buffer.alloc(8)));
    await c.waitFor(1);
    const got = apis.Fetch.response.decodeFrame(16, (c.responses[0] as { frame: Buffer }).frame);
    expect(got.body.nodeEndpoints).toEqual([
      { nodeId: 2, host: '127.0.0.1', port: listenerPort(2), rack: null },
    ]);
    expect(listenerPort(2)).not.toBe(other.port);
  });

  it('a response without NodeEndpoints reaches the client byte for byte, with no event', async () => {
    let sent: Buffer | null = null;
    broker.respond = (info: RequestInfo) => {
      if (info.apiKey !== PRODUCE) return null;
      sent = apis.Produce.response.encodeFrame(
        info.apiVersion,
        info.correlationId,
        produceResponse(12, false),
      );
      return sent;
    };
    const c = await client();
    c.sendRaw(produceRequest(12, 4));
    await c.waitFor(1);
    expect((c.responses[0] as { frame: Buffer }).frame.toString('hex')).toBe(
      (sent as unknown as Buffer).toString('hex'),
    );
    expect(proxy.count('addressesRewritten')).toBe(0);
    expect(proxy.nodes().map((n) => n.nodeId)).toEqual(['bootstrap']);
  });

  it('an unknown Produce version is forwarded as it is, reported once per connection', async () => {
    const frames: Buffer[] = [];
    broker.respond = (info: RequestInfo) => {
      if (info.apiKey !== PRODUCE) return null;
      // Laid out like v13 (the proxy cannot know what v14 is): it must come through untouched.
      const frame = apis.Produce.response.encodeFrame(13, info.correlationId, produceResponse(13));
      frames.push(frame);
      return frame;
    };
    const c = await client();
    const body = new Writer().int8(0).int16(-1).int32(30_000).uvarint(1).uvarint(0).toBuffer();
    c.sendRaw(flexibleRequest(PRODUCE, 14, 1, body));
    c.sendRaw(flexibleRequest(PRODUCE, 14, 2, body));
    await c.waitFor(2);
    expect(c.isClosed).toBe(false);
    expect(c.responses.map((r) => r.frame.toString('hex'))).toEqual(frames.map((f) => f.toString('hex')));
    expect(proxy.count('unknownVersion')).toBe(1);
    expect(proxy.events.find((e) => e.kind === 'unknownVersion')).toMatchObject({
      apiKey: PRODUCE,
      apiVersion: 14,
      correlationId: 1,
      nodeId: 'bootstrap',
    });
    expect(proxy.count('addressesRewritten')).toBe(0);
    expect(proxy.nodes().map((n) => n.nodeId)).toEqual(['bootstrap']);
  });

  it('a known version that does not parse closes the connection rather than forward it', async () => {
    broker.respond = (info: RequestInfo) => {
      if (info.apiKey !== PRODUCE) return null;
      const whole = apis.Produce.response.encodeFrame(10, info.correlationId, produceResponse(10));
      // Cut inside NodeEndpoints, with a size prefix that agrees: a well-framed but unreadable response.
      const cut = Buffer.from(whole.subarray(0, whole.length - 3));
      cut.writeInt32BE(cut.length - 4, 0);
      return cut;
    };
    const c = await client();
    c.sendRaw(produceRequest(10, 1));
    await c.closed;
    expect(c.responses).toEqual([]);
    expect(proxy.count('malformedFrame')).toBe(1);
  });
});
