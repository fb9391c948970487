/** The TCP server: ports, advertised addresses, request order, Kafka's answers to what it does not serve, faults, close. */
import { networkInterfaces } from 'node:os';
import {
  type ApiVersionsResponse,
  apis,
  type FetchResponse,
  KafkaErrorCode,
  type MetadataResponse,
  type ProduceResponse,
} from '@idem/codec';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryCluster } from '../../src/cluster/memory-cluster.js';
import { MemoryBrokerServer } from '../../src/server/broker-server.js';
import { makeBatch, produceRequest } from '../helpers.js';
import { RawClient } from './raw-client.js';

let server: MemoryBrokerServer | undefined;
const clients: RawClient[] = [];
const logged: string[] = [];

async function start(brokers = 1): Promise<MemoryBrokerServer> {
  logged.length = 0;
  server = await MemoryBrokerServer.start({
    brokers,
    topics: { t: { partitions: brokers } },
    logger: { info: (m) => logged.push(m), warn: (m) => logged.push(m) },
  });
  return server;
}

async function client(nodeIndex = 0): Promise<RawClient> {
  const c = await RawClient.connect(server!.addresses[nodeIndex]!.port);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.close();
  server = undefined;
});

const METADATA_ALL = { topics: null, allowAutoTopicCreation: false };
const API_VERSIONS_V3 = { clientSoftwareName: 'raw', clientSoftwareVersion: '1' };

function fetchRequest(maxWaitMs: number, fetchOffset = 0n) {
  return {
    maxWaitMs,
    minBytes: 1,
    maxBytes: 1 << 20,
    topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [],
  };
}

describe('MemoryBrokerServer', () => {
  it('listens on a free port per broker and advertises those ports in Metadata', async () => {
    const s = await start(3);
    const ports = s.addresses.map((a) => a.port);
    expect(new Set(ports).size).toBe(3);
    expect(s.addresses.map((a) => a.host)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
    expect(s.bootstrapServers).toBe(ports.map((p) => `127.0.0.1:${p}`).join(','));
    const meta = await (await client(2)).request<MetadataResponse>('Metadata', 12, METADATA_ALL);
    expect(meta.brokers.map((b) => [b.nodeId, b.host, b.port])).toEqual([
      [1, '127.0.0.1', ports[0]],
      [2, '127.0.0.1', ports[1]],
      [3, '127.0.0.1', ports[2]],
    ]);
  });

  it('binds loopback only by default', async () => {
    const s = await start();
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal);
    if (external === undefined) return; // no other interface on this machine to try
    await expect(RawClient.connect(s.addresses[0]!.port, external.address)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('answers pipelined requests strictly in order, a long-polling Fetch holding back the ones after it', async () => {
    await start();
    const c = await client();
    const fetchId = c.send('Fetch', 12, fetchRequest(300));
    const versionsId = c.send('ApiVersions', 3, API_VERSIONS_V3);
    const produceId = c.send('Produce', 9, produceRequest('t', 0, makeBatch({ count: 2 })));
    const before = Date.now();
    // The Fetch waits (nothing to read yet) and the ApiVersions behind it waits too; then the
    // Produce is processed, so the Fetch's answer never includes it.
    const fetched = await c.read<FetchResponse>('Fetch', 12, fetchId);
    expect(Date.now() - before).toBeGreaterThanOrEqual(250);
    expect(fetched.responses[0]!.partitions[0]!.records!.length).toBe(0);
    expect((await c.read<ApiVersionsResponse>('ApiVersions', 3, versionsId)).errorCode).toBe(0);
    const produced = await c.read<ProduceResponse>('Produce', 9, produceId);
    expect(produced.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
  });

  it('wakes a long-polling Fetch when another connection produces', async () => {
    await start();
    const [reader, writer] = [await client(), await client()];
    const fetchId = reader.send('Fetch', 12, fetchRequest(10_000));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = Date.now();
    await writer.request('Produce', 9, produceRequest('t', 0, makeBatch({ count: 3 })));
    const fetched = await reader.read<FetchResponse>('Fetch', 12, fetchId);
    expect(Date.now() - before).toBeLessThan(2_000);
    expect(fetched.responses[0]!.partitions[0]!.highWatermark).toBe(3n);
  });

  it('answers an unsupported ApiVersions version with UNSUPPORTED_VERSION in v0 and keeps the connection', async () => {
    await start();
    const c = await client();
    const frame = Buffer.from(
      apis.ApiVersions.request.encodeFrame(
        { apiVersion: 3, correlationId: 42, clientId: 'raw' },
        API_VERSIONS_V3,
      ),
    );
    frame.writeInt16BE(99, 6);
    c.write(frame);
    const reply = apis.ApiVersions.response.decodeFrame(0, await c.nextFrame());
    expect(reply.correlationId).toBe(42);
    expect(reply.body.errorCode).toBe(KafkaErrorCode.UNSUPPORTED_VERSION);
    expect((await c.request<ApiVersionsResponse>('ApiVersions', 3, API_VERSIONS_V3)).errorCode).toBe(0);
  });

  it.each([
    ['an API it does not serve (GetTelemetrySubscriptions, key 71)', 71, 0, 'API key 71'],
    ['an API the codec knows but the broker does not serve (DescribeConfigs)', 32, 4, 'API key 32'],
    ['a served API at a version it refuses (Produce v2)', 0, 2, 'Produce v2 is not served'],
  ])('closes the connection on %s, with a log line', async (_what, apiKey, apiVersion, reason) => {
    await start();
    const c = await client();
    const frame = Buffer.alloc(4 + 14);
    frame.writeInt32BE(14, 0);
    frame.writeInt16BE(apiKey, 4);
    frame.writeInt16BE(apiVersion, 6);
    frame.writeInt32BE(1, 8);
    frame.writeInt16BE(-1, 12); // null client id, then 4 body bytes of nothing in particular
    c.write(frame);
    expect(await c.closesWithin(2_000)).toBe(true);
    expect(logged.join('\n')).toContain(reason);
    // Everyone else is still served.
    expect(
      (await (await client()).request<ApiVersionsResponse>('ApiVersions', 3, API_VERSIONS_V3)).errorCode,
    ).toBe(0);
  });

  it('closes a connection whose frame is undecodable, or larger than maxFrameSize before reading it', async () => {
    logged.length = 0;
    server = await MemoryBrokerServer.start({
      maxFrameSize: 1024,
      logger: { info: () => {}, warn: (m) => logged.push(m) },
    });
    const garbled = await client();
    const frame = Buffer.from(
      apis.Metadata.request.encodeFrame({ apiVersion: 12, correlationId: 1, clientId: 'raw' }, METADATA_ALL),
    );
    frame[frame.length - 4] = 0x7f; // topics: a compact array count far beyond the bytes left
    garbled.write(frame);
    expect(await garbled.closesWithin(2_000)).toBe(true);
    expect(logged.at(-1)).toMatch(/undecodable Metadata v12 request/);

    const huge = await client();
    const header = Buffer.alloc(4);
    header.writeInt32BE(1025);
    huge.write(header);
    expect(await huge.closesWithin(2_000)).toBe(true);
    expect(logged.at(-1)).toMatch(/exceeds the 1024-byte limit/);
  });

  it('resets the socket when a fault loses the response, after the append', async () => {
    const s = await start();
    const c = await client();
    s.cluster.faults.loseResponse({ api: 'Produce' });
    c.send('Produce', 9, produceRequest('t', 0, makeBatch({ count: 2 })));
    expect(await c.closesWithin(2_000)).toBe(true);
    expect(s.cluster.readLog('t', 0).logEndOffset).toBe(2);
    expect(s.cluster.events.at(-1)).toMatchObject({ kind: 'ack-lost' });
  });

  it('closes idle sockets when the cluster resets their connections or restarts their broker', async () => {
    const s = await start(2);
    const [one, two] = [await client(0), await client(1)];
    await one.request('ApiVersions', 3, API_VERSIONS_V3);
    await two.request('ApiVersions', 3, API_VERSIONS_V3);
    const [first] = s.connections.filter((x) => x.nodeId === 1);
    s.cluster.resetConnections({ nodeId: 1, connectionId: first!.connectionId });
    expect(await one.closesWithin(2_000)).toBe(true);
    expect(two.isClosed).toBe(false);
    s.cluster.restartBroker(2);
    expect(await two.closesWithin(2_000)).toBe(true);
  });

  it('close() ends every socket and stops listening', async () => {
    const s = await start(2);
    const [one, two] = [await client(0), await client(1)];
    const port = s.addresses[0]!.port;
    await s.close();
    expect(await one.closesWithin(2_000)).toBe(true);
    expect(await two.closesWithin(2_000)).toBe(true);
    await expect(RawClient.connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('fails listen() when a port is taken, releasing the ports it had bound', async () => {
    const s = await start();
    const taken = s.addresses[0]!.port;
    const other = new MemoryBrokerServer(new MemoryCluster({ brokers: 2 }), {
      logger: { info: () => {}, warn: () => {} },
    });
    await expect(other.listen({ ports: [0, taken] })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(other.addresses).toEqual([]);
  });
});
