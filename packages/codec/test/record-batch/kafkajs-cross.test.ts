import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { type CompressionName, encodeRecordBatch } from '../../src/index.js';

/** kafkajs 2.2.4's own RecordBatch decoder (it does not check the CRC; we check everything else). */
const require = createRequire(import.meta.url);
const KafkaDecoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => unknown;
const decodeKafkajsBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (
  decoder: unknown,
) => Promise<KafkajsBatch>;

interface KafkajsBatch {
  firstOffset: string;
  firstTimestamp: string;
  maxTimestamp: string;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  partitionLeaderEpoch: number;
  inTransaction: boolean;
  lastOffsetDelta: number;
  records: {
    key: Buffer | null;
    value: Buffer | null;
    headers: Record<string, Buffer | Buffer[]>;
    offset: string;
    timestamp: string;
  }[];
}

describe.each<CompressionName>(['none', 'gzip'])(
  'kafkajs decodes idem-encoded batches (%s)',
  (compression) => {
    it('sees the same keys, values, headers, offsets, timestamps and producer fields', async () => {
      const records = Array.from({ length: 25 }, (_, i) => ({
        key: i % 5 === 0 ? null : Buffer.from(`key-${i}`),
        value: i % 7 === 3 ? null : Buffer.from(`value-${i}-`.repeat(i + 1)),
        headers:
          i % 2 === 0
            ? []
            : [
                { key: `h${i}`, value: Buffer.from([i, 255 - i]) },
                { key: 'trace', value: Buffer.from('x') },
              ],
        timestamp: 1_700_000_000_000 + (i % 3 === 0 ? -i * 10 : i * 1000),
      }));
      const bytes = encodeRecordBatch({
        records,
        compression,
        baseOffset: 5_000_000_000n,
        partitionLeaderEpoch: 7,
        producerId: 123456789012n,
        producerEpoch: 42,
        baseSequence: 2_147_483_600,
        isTransactional: true,
      });
      const batch = await decodeKafkajsBatch(new KafkaDecoder(bytes));
      expect(batch.firstOffset).toBe('5000000000');
      expect(batch.partitionLeaderEpoch).toBe(7);
      expect(batch.producerId).toBe('123456789012');
      expect(batch.producerEpoch).toBe(42);
      expect(batch.firstSequence).toBe(2_147_483_600);
      expect(batch.inTransaction).toBe(true);
      expect(batch.lastOffsetDelta).toBe(24);
      expect(batch.firstTimestamp).toBe(String(records[0]!.timestamp));
      expect(batch.maxTimestamp).toBe(String(Math.max(...records.map((r) => r.timestamp))));
      expect(batch.records).toHaveLength(25);
      batch.records.forEach((r, i) => {
        const want = records[i]!;
        expect(r.offset).toBe(String(5_000_000_000 + i));
        expect(r.timestamp).toBe(String(want.timestamp));
        expect(r.key).toEqual(want.key);
        expect(r.value).toEqual(want.value);
        expect(r.headers).toEqual(Object.fromEntries(want.headers.map((h) => [h.key, h.value])));
      });
    });
  },
);
