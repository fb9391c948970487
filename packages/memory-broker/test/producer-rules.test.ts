import { KafkaErrorCode, MAX_SEQUENCE } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { decideProducerBatch, type RuleContext } from '../src/partition/producer-rules.js';
import { ProducerStateEntry } from '../src/partition/producer-state-entry.js';
import type { BrokerProfile } from '../src/partition/profile.js';

const PID = 4000n;

function ctx(profile: BrokerProfile = '2.5-4.4', logEverWritten = true): RuleContext {
  return { profile, logEverWritten, partitionName: 't-0' };
}

/** An entry holding batches of `sizes` records each, starting at sequence `start`, offsets from 0. */
function entryWith(epoch: number, start: number, sizes: number[]): ProducerStateEntry {
  const entry = new ProducerStateEntry(PID, epoch);
  let seq = start;
  let offset = 0;
  for (const n of sizes) {
    const last = (seq + n - 1) % 2 ** 31;
    entry.addBatch(epoch, {
      firstSeq: seq,
      lastSeq: last,
      firstOffset: offset,
      lastOffset: offset + n - 1,
      timestamp: 1,
    });
    seq = (last + 1) % 2 ** 31;
    offset += n;
  }
  return entry;
}

const batch = (epoch: number, firstSeq: number, count: number) => ({
  producerId: PID,
  epoch,
  firstSeq,
  lastSeq: (firstSeq + count - 1) % 2 ** 31,
});

describe('decision table (docs/broker-rules.md)', () => {
  it('D: an exact retry of a retained batch is a duplicate with its original offsets', () => {
    const entry = entryWith(2, 0, [3, 3]);
    const d = decideProducerBatch(entry, batch(2, 3, 3), ctx());
    expect(d).toEqual({
      kind: 'duplicate',
      batch: expect.objectContaining({ firstOffset: 3, lastOffset: 5 }),
    });
  });

  it('D is checked before the sequence: a duplicate of an old retained batch is not out of order', () => {
    const entry = entryWith(0, 0, [1, 1, 1, 1, 1]);
    expect(decideProducerBatch(entry, batch(0, 0, 1), ctx()).kind).toBe('duplicate');
  });

  it('D needs the same record count: a re-split retry is out of order', () => {
    const entry = entryWith(0, 0, [4]);
    const d = decideProducerBatch(entry, batch(0, 0, 2), ctx());
    expect(d).toMatchObject({ kind: 'reject', errorCode: KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
  });

  it('D needs the same epoch: a matching range under a newer epoch with seq 0 is a new batch', () => {
    const entry = entryWith(0, 0, [2]);
    expect(decideProducerBatch(entry, batch(1, 0, 2), ctx()).kind).toBe('append');
  });

  it('F: a lower epoch is INVALID_PRODUCER_EPOCH', () => {
    const entry = entryWith(5, 0, [1]);
    const d = decideProducerBatch(entry, batch(4, 1, 1), ctx());
    expect(d).toMatchObject({ kind: 'reject', errorCode: KafkaErrorCode.INVALID_PRODUCER_EPOCH });
  });

  it('F wins over a sequence that would fit', () => {
    const entry = entryWith(5, 0, [1]);
    expect(decideProducerBatch(entry, batch(4, 0, 1), ctx())).toMatchObject({
      errorCode: KafkaErrorCode.INVALID_PRODUCER_EPOCH,
    });
  });

  it('N (2.5-4.4): no state accepts any first sequence', () => {
    for (const seq of [0, 1, 17, MAX_SEQUENCE]) {
      expect(decideProducerBatch(undefined, batch(0, seq, 1), ctx('2.5-4.4', false)).kind).toBe('append');
    }
  });

  it('N (4.5+): a never-written partition accepts only sequence 0', () => {
    expect(decideProducerBatch(undefined, batch(0, 0, 3), ctx('4.5+', false)).kind).toBe('append');
    expect(decideProducerBatch(undefined, batch(0, 17, 3), ctx('4.5+', false))).toMatchObject({
      kind: 'reject',
      errorCode: KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
  });

  it('N (4.5+): a partition that once held records accepts any first sequence', () => {
    expect(decideProducerBatch(undefined, batch(0, 17, 3), ctx('4.5+', true)).kind).toBe('append');
  });

  it('N (pre-2.5 profiles): no state and a non-zero sequence is UNKNOWN_PRODUCER_ID', () => {
    for (const profile of ['1.0-1.1', '2.0-2.4'] as const) {
      expect(decideProducerBatch(undefined, batch(0, 5, 1), ctx(profile))).toMatchObject({
        errorCode: KafkaErrorCode.UNKNOWN_PRODUCER_ID,
      });
      expect(decideProducerBatch(undefined, batch(0, 0, 1), ctx(profile)).kind).toBe('append');
    }
  });

  it('B: a higher epoch must start at sequence 0', () => {
    const entry = entryWith(0, 0, [3]);
    expect(decideProducerBatch(entry, batch(1, 0, 1), ctx()).kind).toBe('append');
    expect(decideProducerBatch(entry, batch(1, 3, 1), ctx())).toMatchObject({
      errorCode: KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    // Any higher epoch counts as a bump, not only epoch + 1.
    expect(decideProducerBatch(entry, batch(7, 0, 1), ctx()).kind).toBe('append');
  });

  it('S: the next sequence of the same epoch is accepted', () => {
    const entry = entryWith(3, 10, [5]);
    expect(decideProducerBatch(entry, batch(3, 15, 2), ctx()).kind).toBe('append');
  });

  it('G: a gap, a stale retry and an overlap are OUT_OF_ORDER_SEQUENCE_NUMBER', () => {
    const entry = entryWith(3, 10, [5]);
    for (const first of [16, 9, 12, 0]) {
      expect(decideProducerBatch(entry, batch(3, first, 1), ctx())).toMatchObject({
        errorCode: KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      });
    }
  });

  it('M: a same-epoch entry with no retained batch expects sequence 0', () => {
    const entry = new ProducerStateEntry(PID, 2);
    expect(decideProducerBatch(entry, batch(2, 0, 1), ctx()).kind).toBe('append');
    expect(decideProducerBatch(entry, batch(2, 1, 1), ctx())).toMatchObject({
      errorCode: KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
  });

  it('wraps at 2^31-1: after a batch ending at MAX the next sequence is 0', () => {
    const entry = entryWith(0, MAX_SEQUENCE - 1, [2]); // MAX-1, MAX
    expect(decideProducerBatch(entry, batch(0, 0, 1), ctx()).kind).toBe('append');
    expect(decideProducerBatch(entry, batch(0, 2 ** 31, 1), ctx()).kind).not.toBe('append');
  });

  it('wraps inside a batch: base MAX-1 with 4 records ends at 1, so 2 is next', () => {
    const entry = entryWith(0, MAX_SEQUENCE - 1, [4]);
    expect(entry.lastSeq).toBe(1);
    expect(decideProducerBatch(entry, batch(0, 2, 1), ctx()).kind).toBe('append');
    expect(decideProducerBatch(entry, batch(0, 0, 1), ctx()).kind).toBe('reject');
  });

  it('1.0-1.1: a retry older than every retained batch is DUPLICATE_SEQUENCE_NUMBER; 2.0+ says OUT_OF_ORDER', () => {
    const entry = entryWith(0, 0, [1, 1, 1, 1, 1, 1]); // seqs 0..5, batches 1..5 retained
    expect(decideProducerBatch(entry, batch(0, 0, 1), ctx('1.0-1.1'))).toMatchObject({
      errorCode: KafkaErrorCode.DUPLICATE_SEQUENCE_NUMBER,
    });
    for (const profile of ['2.0-2.4', '2.5-4.4', '4.5+'] as const) {
      expect(decideProducerBatch(entry, batch(0, 0, 1), ctx(profile))).toMatchObject({
        errorCode: KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      });
    }
  });
});
