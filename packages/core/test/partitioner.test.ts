import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyedPartition, murmur2 } from '../src/partitioner/murmur2.js';
import { StickyPartitioner } from '../src/partitioner/sticky-partitioner.js';

interface Vector {
  keyHex: string;
  murmur2: number;
  partitionOf3: number;
  partitionOf7: number;
  partitionOf100: number;
}
// Printed by Kafka 4.3.0's own Utils.murmur2 (test/fixtures/Murmur2Vectors.java).
const vectors: Vector[] = JSON.parse(
  readFileSync(new URL('./fixtures/murmur2-java-4.3.0.json', import.meta.url), 'utf8'),
);
const seed = process.env.IDEM_SEED === undefined ? 424242 : Number(process.env.IDEM_SEED);

describe('murmur2', () => {
  it.each(vectors)('matches the Java client for key $keyHex', (v) => {
    const key = Buffer.from(v.keyHex, 'hex');
    expect(murmur2(key)).toBe(v.murmur2);
    expect(keyedPartition(key, 3)).toBe(v.partitionOf3);
    expect(keyedPartition(key, 7)).toBe(v.partitionOf7);
    expect(keyedPartition(key, 100)).toBe(v.partitionOf100);
  });

  it('matches kafkajs’s default partitioner for UTF-8 string keys', () => {
    // kafkajs 2.2.4 DefaultPartitioner outputs for 3 / 7 / 100 partitions, recorded once with kafkajs itself.
    const kafkajs: [string, number, number, number][] = [
      ['', 0, 2, 81],
      ['abc', 0, 4, 7],
      ['foobar', 0, 0, 66],
      ['user-12345', 1, 1, 95],
      ['été ☃', 2, 2, 73],
    ];
    for (const [key, p3, p7, p100] of kafkajs) {
      const bytes = Buffer.from(key, 'utf8');
      expect([keyedPartition(bytes, 3), keyedPartition(bytes, 7), keyedPartition(bytes, 100)]).toEqual([
        p3,
        p7,
        p100,
      ]);
    }
  });

  it('always returns a partition in range', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 10_000 }), (key, n) => {
        const p = keyedPartition(key, n);
        return Number.isInteger(p) && p >= 0 && p < n;
      }),
      { seed },
    );
  });
});

describe('StickyPartitioner', () => {
  const sequence = (values: number[]) => {
    let i = 0;
    return { next: () => values[i++ % values.length]! };
  };

  it('stays on one partition until a batch worth of bytes went to it, then moves to another', () => {
    const sticky = new StickyPartitioner(sequence([0.5, 0.0]), 100);
    const picks = Array.from({ length: 6 }, () => sticky.partition('t', 4, 40));
    // 40 + 40 + 40 ≥ 100 after the third record: the fourth moves.
    expect(picks.slice(0, 3)).toEqual([2, 2, 2]);
    expect(picks[3]).not.toBe(2);
    expect(new Set(picks.slice(3))).toHaveProperty('size', 1);
  });

  it('keeps topics independent and stays in range when partitions shrink', () => {
    const sticky = new StickyPartitioner(sequence([0.99]), 1_000);
    expect(sticky.partition('a', 10, 1)).toBe(9);
    expect(sticky.partition('b', 2, 1)).toBe(1);
    expect(sticky.partition('a', 3, 1)).toBeLessThan(3);
  });
});
