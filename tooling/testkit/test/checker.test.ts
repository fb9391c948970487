import { describe, expect, it } from 'vitest';
import { checkDelivery, type PartitionLog, type SentRecord } from '../src/index.js';

const acked = (
  id: string,
  order: number,
  partition: number,
  offset: bigint,
  producer = 'p1',
): SentRecord => ({
  id,
  producer,
  topic: 't',
  order,
  outcome: { status: 'acked', partition, offset },
});
const failed = (id: string, order: number, possiblyPersisted: boolean, typed = true): SentRecord => ({
  id,
  producer: 'p1',
  topic: 't',
  order,
  outcome: { status: 'failed', code: 'ERR_X', possiblyPersisted, typed },
});
const log = (partition: number, ids: (string | null)[]): PartitionLog => ({
  topic: 't',
  partition,
  records: ids.map((id, i) => ({ offset: BigInt(i), id })),
});

describe('checkDelivery', () => {
  it('accepts a clean run', () => {
    const verdict = checkDelivery(
      [acked('a', 0, 0, 0n), acked('b', 1, 0, 1n), acked('c', 2, 1, 0n)],
      [log(0, ['a', 'b']), log(1, ['c'])],
    );
    expect(verdict).toMatchObject({ ok: true, records: 3, acked: 3, duplicates: 0, losses: 0, reorders: 0 });
  });

  it('counts a duplicate', () => {
    const verdict = checkDelivery([acked('a', 0, 0, 0n)], [log(0, ['a', 'a'])]);
    expect(verdict.ok).toBe(false);
    expect(verdict.duplicates).toBe(1);
    expect(verdict.violations[0]?.kind).toBe('duplicate');
  });

  it('counts an acked record that is missing or at another offset as lost', () => {
    expect(checkDelivery([acked('a', 0, 0, 0n)], [log(0, [])]).losses).toBe(1);
    expect(checkDelivery([acked('a', 0, 0, 1n)], [log(0, ['a', null])]).losses).toBe(1);
  });

  it('accepts offset -1 acknowledgements when the record is in the partition', () => {
    expect(checkDelivery([acked('a', 0, 0, -1n)], [log(0, [null, 'a'])]).ok).toBe(true);
  });

  it('counts reorders per producer and partition only', () => {
    const reordered = checkDelivery([acked('a', 0, 0, 1n), acked('b', 1, 0, 0n)], [log(0, ['b', 'a'])]);
    expect(reordered.reorders).toBe(1);
    const twoProducers = checkDelivery(
      [acked('a', 0, 0, 1n, 'p1'), acked('b', 0, 0, 0n, 'p2')],
      [log(0, ['b', 'a'])],
    );
    expect(twoProducers.ok).toBe(true);
  });

  it('lets failed records be anywhere when possiblyPersisted, nowhere otherwise', () => {
    expect(checkDelivery([failed('a', 0, true)], [log(0, ['a'])]).ok).toBe(true);
    expect(checkDelivery([failed('a', 0, true)], [log(0, [])]).ok).toBe(true);
    expect(checkDelivery([failed('a', 0, false)], [log(0, [])]).ok).toBe(true);
    const lie = checkDelivery([failed('a', 0, false)], [log(0, ['a'])]);
    expect(lie.falseFailures).toBe(1);
  });

  it('requires typed failures and settled promises', () => {
    expect(checkDelivery([failed('a', 0, false, false)], []).untypedFailures).toBe(1);
    const pending: SentRecord = {
      id: 'a',
      producer: 'p',
      topic: 't',
      order: 0,
      outcome: { status: 'pending' },
    };
    expect(checkDelivery([pending], []).unsettled).toBe(1);
  });

  it('flags ids in the log that were never sent', () => {
    expect(checkDelivery([], [log(0, ['ghost'])]).phantoms).toBe(1);
  });

  it('keeps counting beyond the detail cap', () => {
    const sent = Array.from({ length: 10 }, (_, i) => acked(`r${i}`, i, 0, BigInt(i)));
    const verdict = checkDelivery(sent, [log(0, [])], { maxDetails: 3 });
    expect(verdict.losses).toBe(10);
    expect(verdict.violations).toHaveLength(3);
  });

  it('rejects input with a repeated id', () => {
    expect(() => checkDelivery([acked('a', 0, 0, 0n), acked('a', 1, 0, 1n)], [])).toThrow(/sent twice/);
  });
});
