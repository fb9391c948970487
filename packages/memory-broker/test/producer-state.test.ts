import { describe, expect, it } from 'vitest';
import { ProducerStateManager } from '../src/partition/producer-state.js';
import { BATCHES_RETAINED, ProducerStateEntry } from '../src/partition/producer-state-entry.js';

const meta = (seq: number, offset: number, timestamp = 100) => ({
  firstSeq: seq,
  lastSeq: seq,
  firstOffset: offset,
  lastOffset: offset,
  timestamp,
});

describe('ProducerStateEntry', () => {
  it('retains the last 5 batches, evicting the oldest', () => {
    const entry = new ProducerStateEntry(1n, 0);
    for (let i = 0; i < 7; i++) entry.addBatch(0, meta(i, i));
    expect(BATCHES_RETAINED).toBe(5);
    expect(entry.batches.map((b) => b.firstSeq)).toEqual([2, 3, 4, 5, 6]);
    expect(entry.findDuplicate(0, 1, 1)).toBeUndefined();
    expect(entry.findDuplicate(0, 2, 2)?.firstOffset).toBe(2);
  });

  it('forgets the old epoch batches when a batch of a new epoch is added', () => {
    const entry = new ProducerStateEntry(1n, 0);
    entry.addBatch(0, meta(0, 0));
    entry.addBatch(1, meta(0, 1));
    expect(entry.epoch).toBe(1);
    expect(entry.batches).toHaveLength(1);
    expect(entry.findDuplicate(0, 0, 0)).toBeUndefined();
  });

  it('tracks the last batch timestamp (record time) for expiry', () => {
    const entry = new ProducerStateEntry(1n, 0);
    entry.addBatch(0, meta(0, 0, 500));
    entry.addBatch(0, meta(1, 1, 300));
    expect(entry.lastTimestamp).toBe(300);
  });
});

describe('ProducerStateManager', () => {
  it('expires a producer once now - lastTimestamp >= expirationMs (Kafka isProducerExpired)', () => {
    const m = new ProducerStateManager();
    m.record(1n, 0, meta(0, 0, 1000));
    m.record(2n, 0, meta(0, 1, 1001));
    expect(m.removeExpired(1999, 1000)).toEqual([]);
    expect(m.removeExpired(2000, 1000)).toEqual([1n]);
    expect(m.get(1n)).toBeUndefined();
    expect(m.get(2n)).toBeDefined();
  });

  it('a snapshot reload keeps only the last batch per producer and drops expired producers', () => {
    const m = new ProducerStateManager();
    for (let i = 0; i < 4; i++) m.record(1n, 0, meta(i, i, 5000));
    m.record(2n, 0, meta(0, 9, 10));
    m.reloadFromSnapshot(6000, 2000);
    expect(m.get(2n)).toBeUndefined();
    expect(m.get(1n)?.batches.map((b) => b.firstSeq)).toEqual([3]);
  });

  it('describes producers in producer-id order', () => {
    const m = new ProducerStateManager();
    m.record(9n, 2, meta(4, 0, 7));
    m.record(3n, 0, meta(0, 1, 8));
    expect(m.describe().map((p) => [p.producerId, p.producerEpoch, p.lastSequence, p.lastTimestamp])).toEqual(
      [
        [3n, 0, 0, 8],
        [9n, 2, 4, 7],
      ],
    );
  });
});
