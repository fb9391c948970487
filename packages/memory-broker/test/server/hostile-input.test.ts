/**
 * Hostile input: random bytes, and valid frames with bytes flipped, cut short, extended or with a
 * wrong size, each on its own connection, while another connection keeps producing. The broker
 * may close a hostile connection, never crash or stop serving the producer.
 */
import { type AnyApiCodec, apis, type ProduceResponse } from '@idem/codec';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBrokerServer } from '../../src/server/broker-server.js';
import { makeBatch, produceRequest } from '../helpers.js';
import { RawClient } from './raw-client.js';

const seed = process.env.IDEM_SEED === undefined ? 20_261_123 : Number(process.env.IDEM_SEED);

let server: MemoryBrokerServer;
const warnings: string[] = [];

beforeAll(async () => {
  server = await MemoryBrokerServer.start({
    brokers: 2,
    topics: { good: { partitions: 1, leaders: [1] }, t: { partitions: 2 } },
    maxFrameSize: 64 * 1024,
    logger: { info: () => {}, warn: (m) => warnings.push(m) },
  });
});

afterAll(async () => {
  await server.close();
});

/** Valid request frames to mutate: the producer's APIs and the consumer's. */
function templates(): Buffer[] {
  const frame = (api: keyof typeof apis, version: number, body: unknown) =>
    Buffer.from(
      (apis[api] as unknown as AnyApiCodec).request.encodeFrame(
        { apiVersion: version, correlationId: 7, clientId: 'hostile' },
        body as never,
      ),
    );
  return [
    frame('ApiVersions', 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' }),
    frame('Metadata', 12, { topics: [{ name: 't' }], allowAutoTopicCreation: false }),
    frame('Produce', 9, produceRequest('t', 0, makeBatch({ count: 3, producerId: 9999n }))),
    frame(
      'Produce',
      3,
      produceRequest('t', 1, makeBatch({ count: 1, producerId: -1n, epoch: -1, baseSequence: -1 })),
    ),
    frame('InitProducerId', 4, { transactionalId: null, transactionTimeoutMs: 1000 }),
    frame('Fetch', 12, {
      maxWaitMs: 20,
      minBytes: 1,
      topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1000 }] }],
      forgottenTopicsData: [],
    }),
    frame('JoinGroup', 5, {
      groupId: 'hostile',
      sessionTimeoutMs: 6000,
      rebalanceTimeoutMs: 20,
      memberId: '',
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from([0, 1, 2]) }],
    }),
    frame('DescribeConfigs', 4, {
      resources: [{ resourceType: 2, resourceName: 't', configurationKeys: null }],
      includeSynonyms: true,
    }),
    frame('IncrementalAlterConfigs', 1, {
      resources: [
        {
          resourceType: 2,
          resourceName: 't',
          configs: [{ name: 'retention.ms', configOperation: 0, value: '9' }],
        },
      ],
      validateOnly: true,
    }),
    frame('CreatePartitions', 3, {
      topics: [{ name: 't', count: 3, assignments: null }],
      timeoutMs: 100,
      validateOnly: true,
    }),
    frame('DeleteRecords', 2, {
      topics: [{ name: 'hostile', partitions: [{ partitionIndex: 0, offset: 0n }] }],
      timeoutMs: 100,
    }),
    frame('DeleteGroups', 2, { groupsNames: ['hostile-none'] }),
    frame('DescribeCluster', 2, { includeClusterAuthorizedOperations: true, endpointType: 1 }),
    frame('DescribeTopicPartitions', 0, { topics: [{ name: 't' }], responsePartitionLimit: 1 }),
    frame('ConsumerGroupHeartbeat', 1, {
      groupId: 'hostile',
      memberId: 'hostile-member',
      memberEpoch: 0,
      rebalanceTimeoutMs: 1000,
      subscribedTopicNames: ['t'],
      topicPartitions: [],
    }),
    frame('ConsumerGroupDescribe', 1, { groupIds: ['hostile'], includeAuthorizedOperations: false }),
    frame('OffsetCommit', 8, {
      groupId: 'hostile',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] },
      ],
    }),
  ];
}

const mutatedFrame = fc
  .record({
    template: fc.nat(),
    flips: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }),
    cut: fc.option(fc.nat()),
    tail: fc.uint8Array({ maxLength: 32 }),
    keepSize: fc.boolean(),
  })
  .map(({ template, flips, cut, tail, keepSize }) => {
    const all = templates();
    let bytes = Buffer.from(all[template % all.length]!);
    for (const { at, value } of flips) bytes[at % bytes.length] = value;
    if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
    bytes = Buffer.concat([bytes, tail]);
    // Usually keep the size prefix consistent, so the mutation reaches the decoder, not just the splitter.
    if (keepSize && bytes.length >= 4) bytes.writeInt32BE(bytes.length - 4, 0);
    return bytes;
  });

const hostileInput = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  mutatedFrame,
  mutatedFrame,
  mutatedFrame,
);

/** Writes `bytes` in a few chunks, then waits briefly for the broker to answer or close, then hangs up. */
async function attack(bytes: Buffer, node: number, chunks: number): Promise<void> {
  const c = await RawClient.connect(server.addresses[node]!.port);
  const step = Math.max(1, Math.ceil(bytes.length / chunks));
  for (let at = 0; at < bytes.length; at += step) c.write(bytes.subarray(at, at + step));
  await c.closesWithin(15);
  c.destroy();
}

describe('hostile input on the socket', () => {
  it('never takes the broker down while another connection keeps producing', async () => {
    const producer = await RawClient.connect(server.addresses[0]!.port);
    let produced = 0;
    let stop = false;
    const producing = (async () => {
      while (!stop) {
        const batch = makeBatch({ count: 2, producerId: 5000n, baseSequence: produced * 2 });
        const r = await producer.request<ProduceResponse>('Produce', 9, produceRequest('good', 0, batch));
        const p = r.responses[0]!.partitionResponses[0]!;
        expect([p.errorCode, p.baseOffset]).toEqual([0, BigInt(produced * 2)]);
        produced++;
      }
    })();

    const fixed = [
      Buffer.from([0xff, 0xff, 0xff, 0xff]), // negative size
      Buffer.from([0x7f, 0xff, 0xff, 0xff]), // 2 GiB frame announced
      Buffer.from([0, 0, 0, 0]), // empty frame
      Buffer.from([0, 0, 0, 2, 0, 18]), // only an API key
      Buffer.from([0, 0, 0, 12, 0, 18, 0, 3, 0, 0, 0, 1, 0x7f, 0xff, 0, 0]), // client id longer than the frame
    ];
    for (const bytes of fixed) await attack(bytes, 0, 1);

    await fc.assert(
      fc.asyncProperty(
        hostileInput,
        fc.nat(1),
        fc.integer({ min: 1, max: 4 }),
        async (bytes, node, chunks) => {
          await attack(bytes, node, chunks);
          // After every attack, the producer's connection is still answered.
          const before = produced;
          const deadline = Date.now() + 2_000;
          while (produced === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
          expect(produced).toBeGreaterThan(before);
        },
      ),
      { seed, numRuns: 200 },
    );

    stop = true;
    await producing;
    expect(producer.isClosed).toBe(false);
    expect(server.cluster.readLog('good', 0).logEndOffset).toBe(produced * 2);
    // Malformed frames were reported, one line each.
    expect(warnings.some((w) => /unreadable frame|undecodable|malformed/.test(w))).toBe(true);
    // Every hostile connection is gone; only the producer's remains.
    const deadline = Date.now() + 2_000;
    while (server.connections.length > 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(server.connections).toHaveLength(1);
    producer.destroy();
  }, 60_000);
});
