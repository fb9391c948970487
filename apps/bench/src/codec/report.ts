import { formatSpread } from '../ratio-spread.js';
import type { CodecRow, CrcRow } from './rows.js';

const fmt = (v: number) => Math.round(v).toLocaleString('en-US');

/** A readable table: one line per case, the three implementations side by side, idem's ratios last. */
export function formatCodecTable(rows: CodecRow[], crc: CrcRow[]): string {
  const cases = new Map<string, Partial<Record<CodecRow['impl'], CodecRow>>>();
  for (const r of rows) {
    const k = `${r.op.padEnd(6)} ${r.compression.padEnd(6)} ${String(r.records).padStart(4)} x ${String(r.valueBytes).padStart(4)} B`;
    const entry = cases.get(k) ?? {};
    entry[r.impl] = r;
    cases.set(k, entry);
  }
  const header = [
    'case'.padEnd(27),
    'idem rec/s'.padStart(13),
    'idem MB/s'.padStart(10),
    'kafkajs rec/s'.padStart(14),
    'platf. rec/s'.padStart(13),
    'idem no-CRC'.padStart(12),
    'idem ÷ kafkajs'.padStart(18),
    'idem ÷ platf.'.padStart(18),
  ].join(' ');
  const lines = [header, '-'.repeat(header.length)];
  for (const [k, e] of cases) {
    lines.push(
      [
        k.padEnd(27),
        (e.idem ? fmt(e.idem.recordsPerSec) : '-').padStart(13),
        (e.idem ? e.idem.MBps.toFixed(1) : '-').padStart(10),
        (e.kafkajs ? fmt(e.kafkajs.recordsPerSec) : 'n/a').padStart(14),
        (e.platformatic ? fmt(e.platformatic.recordsPerSec) : 'n/a').padStart(13),
        (e['idem-nocrc'] ? fmt(e['idem-nocrc'].recordsPerSec) : '').padStart(12),
        formatSpread(e.idem?.vsKafkajsSpread).padStart(18),
        formatSpread(e.idem?.vsPlatformaticSpread).padStart(18),
      ].join(' '),
    );
  }
  lines.push('', 'CRC-32C over 1 MiB:');
  for (const c of crc)
    lines.push(
      `  ${c.impl.padEnd(14)} ${c.GBps.toFixed(2).padStart(6)} GB/s${c.vsKafkajsSpread === undefined ? '' : `   × kafkajs ${formatSpread(c.vsKafkajsSpread)}`}`,
    );
  lines.push(
    '',
    'idem decode verifies the CRC-32C (as Kafka consumers do by default); kafkajs and platformatic do not.',
    '"idem no-CRC" is idem decoding with verifyCrc: false, the like-for-like figure.',
    'kafkajs n/a: it ships gzip only (snappy/lz4/zstd need plugins). MB/s counts record values.',
    'idem ÷ x: idem records/s over x records/s sample by sample (interleaved): median (min–max) over the samples.',
    '',
  );
  return lines.join('\n');
}
