import { createRequire } from 'node:module';
import { crc32c, crc32cBackend, crc32cJs } from '@idem/codec';
import { crc32c as platformaticCrc32c } from '@platformatic/kafka';
import { type MeasureOptions, measureInterleavedSamples } from '../measure.js';
import { median, ratioSpread, vsFields } from '../ratio-spread.js';
import type { CrcRow } from './rows.js';

const require = createRequire(import.meta.url);
const kafkajsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C') as (b: Buffer) => number;

const SIZE = 1024 * 1024;

/** CRC-32C throughput over 1 MiB: idem's JS and native backends next to what the others ship. */
export async function crcRows(timing: MeasureOptions): Promise<CrcRow[]> {
  const data = Buffer.alloc(SIZE);
  for (let i = 0; i < SIZE; i++) data[i] = (i * 2654435761) >>> 24;
  const expected = crc32cJs(data);
  const candidates: [string, () => number][] = [['idem-js', () => crc32cJs(data)]];
  if (crc32cBackend === 'native') candidates.push(['idem-native', () => crc32c(data)]);
  candidates.push(['kafkajs', () => kafkajsCrc32c(data) >>> 0]);
  candidates.push(['platformatic', () => platformaticCrc32c(data) >>> 0]);
  for (const [impl, fn] of candidates) {
    if (fn() !== expected) throw new Error(`${impl} CRC-32C disagrees with idem's`);
  }
  const samples = await measureInterleavedSamples(new Map(candidates), timing);
  const kafkajs = samples.get('kafkajs') ?? [];
  const rows: CrcRow[] = [];
  for (const [impl, opsPerSec] of samples) {
    const GBps = Math.round(((median(opsPerSec) * SIZE) / 1e9) * 100) / 100;
    rows.push({
      suite: 'codec',
      op: 'crc32c',
      impl,
      bytes: SIZE,
      GBps,
      ...vsFields('Kafkajs', impl === 'kafkajs' ? undefined : ratioSpread(opsPerSec, kafkajs)),
    });
    process.stderr.write(`codec crc32c ${impl}: ${GBps} GB/s\n`);
  }
  return rows;
}
