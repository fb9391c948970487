// What the core costs over the codec: the grid's best configuration measured again, each repetition right beside
// an encode-only run of the same records, so the ratio of the two is taken per repetition (../ratio-spread.ts).
import { median, ratioSpread, type VsFields, vsFields } from '../ratio-spread.js';
import { encodeOnlyRecordsPerSec } from './encode-baseline.js';
import { runCoreProducer } from './run-producer.js';

/** The configuration compared: one of the core suite's grid. */
export interface CoreConfig {
  readonly partitions: number;
  readonly maxInFlight: number;
  readonly recordsPerSend: number;
  readonly records: number;
  readonly valueBytes: number;
}

export type CoreSummary = {
  readonly suite: 'core';
  readonly op: 'summary';
  readonly partitions: number;
  readonly maxInFlight: number;
  readonly recordsPerSend: number;
  readonly repetitions: number;
  /** Medians over the repetitions. */
  readonly encodeOnlyRecordsPerSec: number;
  readonly coreRecordsPerSec: number;
  // The core's records/s ÷ encode-only records/s, repetition by repetition: vsEncodeOnly, vsEncodeOnlySpread.
} & VsFields<'EncodeOnly'>;

export async function compareWithEncode(
  config: CoreConfig,
  repetitions: number,
  encodeMs: number,
  progress: (line: string) => void,
): Promise<CoreSummary> {
  const encode: number[] = [];
  const core: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    progress(`core: repetition ${i + 1}/${repetitions} of the best case beside the codec's encode alone`);
    encode.push(encodeOnlyRecordsPerSec(config.valueBytes, encodeMs));
    const run = await runCoreProducer({ ...config, window: 20_000 });
    core.push(run.recordsPerSec);
  }
  return {
    suite: 'core',
    op: 'summary',
    partitions: config.partitions,
    maxInFlight: config.maxInFlight,
    recordsPerSend: config.recordsPerSend,
    repetitions,
    encodeOnlyRecordsPerSec: Math.round(median(encode)),
    coreRecordsPerSec: Math.round(median(core)),
    ...vsFields('EncodeOnly', ratioSpread(core, encode)),
  };
}
