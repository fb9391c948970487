import { apis, KafkaErrorCode } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { makeBatch, produce, produceRequest, setup } from './helpers.js';

const header = (apiVersion: number, correlationId: number) => ({
  apiVersion,
  correlationId,
  clientId: 'wire-test',
});

describe('bytes in, bytes out (handleFrame)', () => {
  it('answers ApiVersions v3 with the served ranges (response header v0)', async () => {
    const s = setup();
    const frame = apis.ApiVersions.request.encodeFrame(header(3, 7), {
      clientSoftwareName: 'idem-test',
      clientSoftwareVersion: '1.0.0',
    });
    const reply = await s.cluster.handleFrame(1, 'c1', frame);
    const { correlationId, body } = apis.ApiVersions.response.decodeFrame(3, reply!);
    expect(correlationId).toBe(7);
    expect(body.errorCode).toBe(0);
    expect(body.apiKeys).toEqual([
      { apiKey: 0, minVersion: 0, maxVersion: 13 },
      { apiKey: 1, minVersion: 4, maxVersion: 18 },
      { apiKey: 2, minVersion: 1, maxVersion: 11 },
      { apiKey: 3, minVersion: 0, maxVersion: 13 },
      { apiKey: 8, minVersion: 2, maxVersion: 10 },
      { apiKey: 9, minVersion: 1, maxVersion: 10 },
      { apiKey: 10, minVersion: 0, maxVersion: 6 },
      { apiKey: 11, minVersion: 0, maxVersion: 9 },
      { apiKey: 12, minVersion: 0, maxVersion: 4 },
      { apiKey: 13, minVersion: 0, maxVersion: 5 },
      { apiKey: 14, minVersion: 0, maxVersion: 5 },
      { apiKey: 15, minVersion: 0, maxVersion: 6 },
      { apiKey: 16, minVersion: 0, maxVersion: 5 },
      { apiKey: 18, minVersion: 0, maxVersion: 4 },
      { apiKey: 19, minVersion: 2, maxVersion: 7 },
      { apiKey: 20, minVersion: 1, maxVersion: 6 },
      { apiKey: 21, minVersion: 0, maxVersion: 2 },
      { apiKey: 22, minVersion: 0, maxVersion: 5 },
      { apiKey: 32, minVersion: 1, maxVersion: 4 },
      { apiKey: 33, minVersion: 0, maxVersion: 2 },
      { apiKey: 37, minVersion: 0, maxVersion: 3 },
      { apiKey: 42, minVersion: 0, maxVersion: 2 },
      { apiKey: 44, minVersion: 0, maxVersion: 1 },
      { apiKey: 60, minVersion: 0, maxVersion: 2 },
      { apiKey: 61, minVersion: 0, maxVersion: 0 },
      { apiKey: 68, minVersion: 0, maxVersion: 1 },
      { apiKey: 69, minVersion: 0, maxVersion: 1 },
      { apiKey: 75, minVersion: 0, maxVersion: 0 },
    ]);
  });

  it('answers an ApiVersions version it does not serve with UNSUPPORTED_VERSION encoded as v0', async () => {
    const s = setup();
    const frame = apis.ApiVersions.request.encodeFrame(header(4, 1), {}).subarray();
    frame.writeInt16BE(9, 6); // requestApiVersion 9, body left as v4 (the broker must not parse it)
    const reply = await s.cluster.handleFrame(1, 'c1', frame);
    const { body } = apis.ApiVersions.response.decodeFrame(0, reply!);
    expect(body.errorCode).toBe(KafkaErrorCode.UNSUPPORTED_VERSION);
    expect(body.apiKeys).toEqual([{ apiKey: 18, minVersion: 0, maxVersion: 4 }]);
  });

  it('answers INVALID_REQUEST to ApiVersions v3+ with an illegal client software name', async () => {
    const s = setup();
    const frame = apis.ApiVersions.request.encodeFrame(header(3, 1), {
      clientSoftwareName: 'bad name',
      clientSoftwareVersion: '1',
    });
    const { body } = apis.ApiVersions.response.decodeFrame(3, (await s.cluster.handleFrame(1, 'c1', frame))!);
    expect(body.errorCode).toBe(KafkaErrorCode.INVALID_REQUEST);
  });

  it('produces through frames at v9 and answers a retry with the original offset', async () => {
    const s = setup();
    const request = produceRequest('t', 0, makeBatch({ count: 3 }));
    for (const correlationId of [1, 2]) {
      const frame = apis.Produce.request.encodeFrame(header(9, correlationId), request);
      const decoded = apis.Produce.response.decodeFrame(9, (await s.cluster.handleFrame(1, 'c1', frame))!);
      expect(decoded.correlationId).toBe(correlationId);
      expect(decoded.body.responses[0]!.partitionResponses[0]).toMatchObject({
        errorCode: 0,
        baseOffset: 0n,
      });
    }
  });

  it('closes the connection (rejects) for a Produce version it does not serve, failing requests in flight on it', async () => {
    const s = setup();
    s.cluster.faults.delayResponses({ api: 'Produce' }, { ms: 10 });
    const pending = s.cluster.handleFrame(
      1,
      'c1',
      apis.Produce.request.encodeFrame(header(11, 1), produceRequest('t', 0, makeBatch())),
    );
    const old = apis.Produce.request
      .encodeFrame(header(3, 2), produceRequest('t', 0, makeBatch()))
      .subarray();
    old.writeInt16BE(2, 6); // Produce v2: advertised (min 0) but never served
    await expect(s.cluster.handleFrame(1, 'c1', old)).rejects.toMatchObject({ code: 'ERR_FRAME_REJECTED' });
    await expect(pending).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('rejects a malformed frame without harming other connections', async () => {
    const s = setup();
    const garbage = Buffer.from([0, 0, 0, 6, 0, 0, 0, 3, 0xff, 0xff]);
    await expect(s.cluster.handleFrame(1, 'bad', garbage)).rejects.toMatchObject({
      code: 'ERR_FRAME_REJECTED',
    });
    await expect(s.cluster.handleFrame(1, 'bad', Buffer.from([0, 0, 0, 1, 0]))).rejects.toThrow();
    await expect(s.cluster.handleFrame(1, 'bad', Buffer.from([0, 0, 0, 2, 0, 1]))).rejects.toThrow(); // Fetch: not served
    const ok = apis.Metadata.request.encodeFrame(header(12, 5), { topics: null });
    expect(
      apis.Metadata.response.decodeFrame(12, (await s.cluster.handleFrame(1, 'good', ok))!).body.topics[0]!
        .name,
    ).toBe('t');
  });

  it('sends no response frame for acks=0', async () => {
    const s = setup();
    const frame = apis.Produce.request.encodeFrame(header(11, 1), produceRequest('t', 0, makeBatch(), 0));
    expect(await s.cluster.handleFrame(1, 'c1', frame)).toBeNull();
    expect(s.cluster.readLog('t', 0).logEndOffset).toBe(1);
  });

  it('answers DescribeProducers v0 with the partition state', async () => {
    const s = setup({ brokers: 2 });
    await produce(s, makeBatch({ producerId: 42n, epoch: 3, baseSequence: 0, count: 5 }));
    const frame = apis.DescribeProducers.request.encodeFrame(header(0, 1), {
      topics: [{ name: 't', partitionIndexes: [0, 9] }],
    });
    const { body } = apis.DescribeProducers.response.decodeFrame(
      0,
      (await s.cluster.handleFrame(1, 'c1', frame))!,
    );
    const [p0, p9] = body.topics[0]!.partitions;
    expect(p0).toMatchObject({ partitionIndex: 0, errorCode: 0 });
    expect(p0!.activeProducers).toEqual([
      {
        producerId: 42n,
        producerEpoch: 3,
        lastSequence: 4,
        lastTimestamp: BigInt(1_700_000_000_004),
        coordinatorEpoch: -1,
        currentTxnStartOffset: -1n,
      },
    ]);
    expect(p9!.errorCode).toBe(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const onFollower = await s.cluster
      .connect()
      .describeProducers(2, { topics: [{ name: 't', partitionIndexes: [0] }] });
    expect(onFollower.topics[0]!.partitions[0]!.errorCode).toBe(KafkaErrorCode.NOT_LEADER_OR_FOLLOWER);
  });
});

describe('connect({ wire: true })', () => {
  it('gives the same answers as the object path, through the codec', async () => {
    const results: unknown[] = [];
    for (const wire of [false, true]) {
      const s = setup({ brokers: 2, partitions: 2 });
      const client = s.cluster.connect({ wire });
      const meta = await client.metadata(['t']);
      const pid = await client.initProducerId({
        transactionalId: null,
        transactionTimeoutMs: 60_000,
        producerId: -1n,
        producerEpoch: -1,
        enable2Pc: false,
        keepPreparedTxn: false,
      });
      const batch = makeBatch({ producerId: pid.producerId, count: 4 });
      const leader = meta.topics[0]!.partitions[1]!.leaderId;
      const first = await client.produce(leader, produceRequest('t', 1, batch));
      const dup = await client.produce(leader, produceRequest('t', 1, batch));
      const wrongNode = await client.produce(leader === 1 ? 2 : 1, produceRequest('t', 1, batch));
      results.push({ meta, pid, first, dup, wrongNode });
    }
    expect(results[1]).toEqual(results[0]);
  });
});
