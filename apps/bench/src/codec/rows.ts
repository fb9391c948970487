import type { CompressionName } from '@idem/codec';
import type { VsFields } from '../ratio-spread.js';
import type { Implementation } from './implementations.js';

// The codec suite's result rows, shared by the measuring and the reporting modules.

/**
 * One implementation on one case. Rows other than kafkajs's (platformatic's) carry this one's records/s ÷ kafkajs's
 * (platformatic's), sample by sample of the same interleaved measurement: `vsKafkajs` (the median) and
 * `vsKafkajsSpread`, `vsPlatformatic` and `vsPlatformaticSpread`; absent where that library cannot do the case.
 */
export type CodecRow = {
  suite: 'codec';
  op: 'encode' | 'decode';
  compression: CompressionName;
  records: number;
  valueBytes: number;
  impl: Implementation['name'];
  /** The median over the samples. */
  recordsPerSec: number;
  /** Megabytes (10^6) of record values per second. */
  MBps: number;
} & VsFields<'Kafkajs'> &
  VsFields<'Platformatic'>;

/** CRC-32C over `bytes`; rows other than kafkajs's carry this one's rate ÷ kafkajs's, sample by sample. */
export type CrcRow = {
  suite: 'codec';
  op: 'crc32c';
  impl: string;
  bytes: number;
  GBps: number;
} & VsFields<'Kafkajs'>;
