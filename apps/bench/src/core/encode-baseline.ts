import { encodeRecordBatch, Writer } from '@idem/codec';

/** Records/s of encoding 100-record batches alone (the codec's cost the core builds on), over ~`ms`. */
export function encodeOnlyRecordsPerSec(valueBytes: number, ms: number): number {
  const value = Buffer.alloc(valueBytes, 0x61);
  const records = Array.from({ length: 100 }, () => ({ value, timestamp: 1_700_000_000_000 }));
  const writer = new Writer(64 * 1024);
  const input = { producerId: 1000n, producerEpoch: 0, baseSequence: 0, records };
  let batches = 0;
  const end = performance.now() + ms;
  const start = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 50; i++) encodeRecordBatch(input, { writer });
    batches += 50;
  }
  return (batches * 100) / ((performance.now() - start) / 1000);
}
