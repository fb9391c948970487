import { runCoreProducer } from '../core/run-producer.js';
import { type CoreSummary, compareWithEncode } from '../core/versus-encode.js';
import { formatSpread } from '../ratio-spread.js';

export type { CoreSummary } from '../core/versus-encode.js';

export interface CoreSuiteOptions {
  readonly quick: boolean;
  readonly json: boolean;
}

export interface CoreRow {
  suite: 'core';
  partitions: number;
  maxInFlight: number;
  recordsPerSend: number;
  records: number;
  valueBytes: number;
  recordsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  heapBytesPerPartition: number;
}

/** The grid's rows and the best case against the codec's encode alone. */
export interface CoreResult {
  readonly rows: CoreRow[];
  readonly summary: CoreSummary;
}

/**
 * The core producer on the in-process memory broker: records/s and send→ack latency for 100 B records,
 * 1 to 10,000 partitions, 1 and 5 requests in flight; then the best case against the codec's encode-only rate
 * for the same records, which bounds what the core can reach (the core's own cost is the difference).
 */
export async function runCoreSuite(options: CoreSuiteOptions): Promise<CoreResult> {
  const partitionCounts = options.quick ? [1, 100] : [1, 10, 100, 1000, 10000];
  const inFlights = [1, 5];
  const valueBytes = 100;
  const rows: CoreRow[] = [];
  for (const partitions of partitionCounts) {
    for (const maxInFlight of inFlights) {
      for (const recordsPerSend of [1, 100]) {
        const records = Math.max(options.quick ? 50_000 : 300_000, partitions * 20);
        progress(
          `core: ${partitions} partition(s), ${maxInFlight} in flight, ${recordsPerSend} record(s) per send, ${records} records`,
        );
        const r = await runCoreProducer({
          partitions,
          records,
          valueBytes,
          maxInFlight,
          recordsPerSend,
          window: 20_000,
        });
        const row: CoreRow = {
          suite: 'core',
          partitions,
          maxInFlight,
          recordsPerSend,
          records,
          valueBytes,
          recordsPerSec: Math.round(r.recordsPerSec),
          p50Ms: round(r.p50Ms),
          p99Ms: round(r.p99Ms),
          heapBytesPerPartition: Math.round(r.heapBytesPerPartition),
        };
        rows.push(row);
        if (options.json) console.log(JSON.stringify(row));
      }
    }
  }
  // The encode baseline is 100-record batches, so compare with sends that each fill one such batch.
  const best = rows
    .filter((r) => r.recordsPerSend === 100)
    .reduce((a, b) => (b.recordsPerSec > a.recordsPerSec ? b : a));
  const summary = await compareWithEncode(best, options.quick ? 3 : 5, options.quick ? 300 : 1000, progress);
  if (options.json) {
    console.log(JSON.stringify(summary));
    return { rows, summary };
  }
  console.log('\ncore producer on the in-process memory broker, 100 B records');
  console.log('partitions  in-flight  per send   records/s    p50 ms    p99 ms   heap B/partition');
  for (const r of rows) {
    console.log(
      `${String(r.partitions).padStart(10)}  ${String(r.maxInFlight).padStart(9)}  ${String(r.recordsPerSend).padStart(8)}  ${String(r.recordsPerSec).padStart(10)}  ${r.p50Ms.toFixed(2).padStart(8)}  ${r.p99Ms.toFixed(2).padStart(8)}  ${String(r.heapBytesPerPartition).padStart(17)}`,
    );
  }
  console.log(`\n${describeSummary(summary)}`);
  return { rows, summary };
}

/** The summary as one sentence: the best case against the codec's encode alone, per repetition. */
export function describeSummary(s: CoreSummary): string {
  return `best case (${s.partitions} partition(s), ${s.maxInFlight} in flight, ${s.recordsPerSend}/send) again ${s.repetitions}×, each beside the codec's encode alone: ${s.coreRecordsPerSec} vs ${s.encodeOnlyRecordsPerSec} records/s (medians); core ÷ encode per repetition: ${formatSpread(s.vsEncodeOnlySpread)}`;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
