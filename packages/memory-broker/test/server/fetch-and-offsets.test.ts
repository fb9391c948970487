/** Fetch (stored bytes, size limits, long polling on the injected clock, errors) and ListOffsets by timestamp. */
import { KafkaErrorCode as E, type FetchResponse, readRecordBatches } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { MemoryCluster } from '../../src/cluster/memory-cluster.js';
import { makeBatch, produceRequest, T0 } from '../helpers.js';
import { call, fill } from './helpers.js';

function setup(config = {}) {
  const clock = new ManualClock(T0);
  const cluster = new MemoryCluster({ clock, topics: { t: { partitions: 1, config } } });
  return { clock, cluster };
}

function fetch(
  cluster: MemoryCluster,
  fetchOffset: bigint,
  options: { maxWaitMs?: number; minBytes?: number; maxBytes?: number; partitionMaxBytes?: number } = {},
  extra: Record<string, unknown> = {},
): Promise<FetchResponse> {
  return call(cluster, 1, 'Fetch', 12, {
    maxWaitMs: options.maxWaitMs ?? 0,
    minBytes: options.minBytes ?? 1,
    maxBytes: options.maxBytes ?? 1 << 20,
    topics: [
      {
        topic: 't',
        partitions: [
          { partition: 0, fetchOffset, partitionMaxBytes: options.partitionMaxBytes ?? 1 << 20, ...extra },
        ],
      },
    ],
    forgottenTopicsData: [],
  });
}

const batchOffsets = (r: FetchResponse) =>
  readRecordBatches(r.responses[0]!.partitions[0]!.records!).batches.map((b) => b.baseOffset);

async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('Fetch', () => {
  it('returns the stored batches byte for byte from the batch holding the fetch offset', async () => {
    const { cluster } = setup();
    await fill(cluster, 't', 0, 3, 4); // offsets 0-3, 4-7, 8-11
    const r = await fetch(cluster, 5n);
    const p = r.responses[0]!.partitions[0]!;
    expect(p).toMatchObject({ errorCode: 0, highWatermark: 12n, lastStableOffset: 12n, logStartOffset: 0n });
    expect(batchOffsets(r)).toEqual([4n, 8n]);
    const stored = cluster.readLog('t', 0, 5).batches.map((b) => b.bytes!);
    expect(p.records!.equals(Buffer.concat(stored))).toBe(true);
    expect((await fetch(cluster, 12n)).responses[0]!.partitions[0]!.records!.length).toBe(0);
  });

  it('applies partition and request size limits per batch, but always returns a first batch', async () => {
    const { cluster } = setup();
    await fill(cluster, 't', 0, 3, 4);
    const size = cluster.readLog('t', 0).batches[0]!.bytes!.length;
    expect(batchOffsets(await fetch(cluster, 0n, { partitionMaxBytes: 1 }))).toEqual([0n]);
    expect(batchOffsets(await fetch(cluster, 0n, { maxBytes: 1 }))).toEqual([0n]);
    expect(batchOffsets(await fetch(cluster, 0n, { partitionMaxBytes: 2 * size }))).toEqual([0n, 4n]);
    expect(batchOffsets(await fetch(cluster, 0n, { maxBytes: 2 * size + 1 }))).toEqual([0n, 4n]);
  });

  it('waits up to maxWaitMs on the cluster clock for minBytes, and wakes on an append', async () => {
    const { clock, cluster } = setup();
    await fill(cluster, 't', 0, 1, 2);
    const waiting = fetch(cluster, 2n, { maxWaitMs: 500 });
    clock.advance(499);
    expect(await settled(waiting)).toBe(false);
    clock.advance(1);
    expect((await waiting).responses[0]!.partitions[0]!.records!.length).toBe(0);

    const woken = fetch(cluster, 2n, { maxWaitMs: 60_000 });
    expect(await settled(woken)).toBe(false);
    await cluster.request(
      1,
      'producer',
      'Produce',
      produceRequest('t', 0, makeBatch({ count: 3, baseSequence: 2, producerId: 1000n })),
      9,
    );
    const r = await woken;
    expect(batchOffsets(r)).toEqual([2n]);
    expect(r.responses[0]!.partitions[0]!.highWatermark).toBe(5n);
  });

  it('keeps waiting while less than minBytes has arrived', async () => {
    const { clock, cluster } = setup();
    const waiting = fetch(cluster, 0n, { maxWaitMs: 1000, minBytes: 10_000 });
    await fill(cluster, 't', 0, 1, 1);
    expect(await settled(waiting)).toBe(false);
    clock.advance(1000);
    expect(batchOffsets(await waiting)).toEqual([0n]);
  });

  it('answers OFFSET_OUT_OF_RANGE, a fenced or unknown leader epoch, and an unknown fetch session', async () => {
    const { cluster } = setup();
    await fill(cluster, 't', 0, 1, 2);
    const code = (r: FetchResponse) => r.responses[0]?.partitions[0]?.errorCode;
    expect(code(await fetch(cluster, 3n))).toBe(E.OFFSET_OUT_OF_RANGE);
    expect(code(await fetch(cluster, -1n))).toBe(E.OFFSET_OUT_OF_RANGE);
    cluster.moveLeader('t', 0, 1); // same broker, epoch 1
    expect(code(await fetch(cluster, 0n, {}, { currentLeaderEpoch: 0 }))).toBe(E.FENCED_LEADER_EPOCH);
    expect(code(await fetch(cluster, 0n, {}, { currentLeaderEpoch: 2 }))).toBe(E.UNKNOWN_LEADER_EPOCH);
    expect(code(await fetch(cluster, 0n, {}, { currentLeaderEpoch: 1 }))).toBe(E.NONE);
    const incremental = await call(cluster, 1, 'Fetch', 12, {
      maxWaitMs: 0,
      minBytes: 1,
      sessionId: 77,
      sessionEpoch: 3,
      topics: [],
      forgottenTopicsData: [],
    });
    expect(incremental.errorCode).toBe(E.FETCH_SESSION_ID_NOT_FOUND);
  });
});

describe('ListOffsets', () => {
  const list = async (cluster: MemoryCluster, timestamp: bigint) =>
    (
      await call(cluster, 1, 'ListOffsets', 7, {
        replicaId: -1,
        topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp }] }],
      })
    ).topics[0]!.partitions[0]!;

  it('finds the first record at or after a timestamp, inside a batch; the max timestamp; nothing past the end', async () => {
    const { cluster } = setup();
    // Batch i holds 4 records stamped T0 + 1000 i + (0..3).
    await fill(cluster, 't', 0, 3, 4, T0);
    expect(await list(cluster, BigInt(T0 + 1002))).toMatchObject({
      offset: 6n,
      timestamp: BigInt(T0 + 1002),
    });
    expect(await list(cluster, BigInt(T0 + 1004))).toMatchObject({
      offset: 8n,
      timestamp: BigInt(T0 + 2000),
    });
    expect(await list(cluster, BigInt(T0 - 5))).toMatchObject({ offset: 0n });
    expect(await list(cluster, -3n)).toMatchObject({ offset: 11n, timestamp: BigInt(T0 + 2003) });
    expect(await list(cluster, BigInt(T0 + 9999))).toMatchObject({
      errorCode: 0,
      offset: -1n,
      timestamp: -1n,
    });
    expect(await list(cluster, -1n)).toMatchObject({ offset: 12n, timestamp: -1n, leaderEpoch: 0 });
    expect(await list(cluster, -2n)).toMatchObject({ offset: 0n, timestamp: -1n });
  });

  it('uses the broker-assigned time under LogAppendTime', async () => {
    const { clock, cluster } = setup({ messageTimestampType: 'LogAppendTime' });
    await fill(cluster, 't', 0, 1, 3, T0 - 50_000);
    clock.advance(10);
    await cluster.request(
      1,
      'p',
      'Produce',
      produceRequest('t', 0, makeBatch({ count: 2, baseSequence: 3, producerId: 1000n })),
      9,
    );
    expect(await list(cluster, BigInt(T0 + 5))).toMatchObject({ offset: 3n, timestamp: BigInt(T0 + 10) });
  });
});
