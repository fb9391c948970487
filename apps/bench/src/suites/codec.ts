import { COMPRESSION_NAMES } from '@idem/codec';
import { crcRows } from '../codec/crc.js';
import { IMPLEMENTATIONS, type Implementation, type PreparedCase } from '../codec/implementations.js';
import { formatCodecTable } from '../codec/report.js';
import type { CodecRow } from '../codec/rows.js';
import { makeRecords } from '../codec/workload.js';
import { type MeasureOptions, measureInterleavedSamples } from '../measure.js';
import { median, ratioSpread, vsFields } from '../ratio-spread.js';

export interface CodecSuiteOptions {
  quick: boolean;
  json: boolean;
}

const RECORD_COUNTS = [1, 100, 1000];
const VALUE_SIZES = [100, 1000];

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

export async function runCodecSuite(options: CodecSuiteOptions): Promise<void> {
  const timing: MeasureOptions = options.quick
    ? { sampleMs: 40, samples: 3, warmupMs: 40 }
    : { sampleMs: 200, samples: 5, warmupMs: 150 };
  const rows: CodecRow[] = [];
  for (const compression of COMPRESSION_NAMES) {
    for (const valueBytes of VALUE_SIZES) {
      for (const count of RECORD_COUNTS) {
        const records = makeRecords(count, valueBytes);
        const impls = IMPLEMENTATIONS.filter((impl) => impl.supports(compression));
        const prepared = new Map<Implementation['name'], { case: PreparedCase; bytes: Buffer }>();
        for (const impl of impls) {
          const p = impl.prepare(records, compression);
          prepared.set(impl.name, { case: p, bytes: await p.encoded() });
        }
        for (const op of ['encode', 'decode'] as const) {
          const fns = new Map<string, () => unknown>();
          for (const impl of impls) {
            if (impl.ops !== undefined && !impl.ops.includes(op)) continue;
            const p = prepared.get(impl.name)!;
            fns.set(impl.name, op === 'encode' ? p.case.encode : () => p.case.decode(p.bytes));
          }
          const samples = await measureInterleavedSamples(fns, timing);
          const spreadTo = (anchor: string, name: string, rates: number[]) => {
            const anchorRates = samples.get(anchor);
            return name === anchor || anchorRates === undefined ? undefined : ratioSpread(rates, anchorRates);
          };
          for (const [name, opsPerSec] of samples) {
            const recordsPerSec = median(opsPerSec) * count;
            rows.push({
              suite: 'codec',
              op,
              compression,
              records: count,
              valueBytes,
              impl: name as Implementation['name'],
              recordsPerSec,
              MBps: (recordsPerSec * valueBytes) / 1e6,
              ...vsFields('Kafkajs', spreadTo('kafkajs', name, opsPerSec)),
              ...vsFields('Platformatic', spreadTo('platformatic', name, opsPerSec)),
            });
            progress(
              `codec ${op} ${compression} ${count}x${valueBytes}B ${name}: ${Math.round(recordsPerSec).toLocaleString('en-US')} records/s`,
            );
          }
        }
      }
    }
  }
  const crc = await crcRows(timing);
  if (options.json) {
    for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    for (const row of crc) process.stdout.write(`${JSON.stringify(row)}\n`);
  } else {
    process.stdout.write(formatCodecTable(rows, crc));
  }
}
