import type { CompressionName } from '@idem/codec';
import type { Implementation } from './implementations.js';

// The codec suite's result rows, shared by the measuring and the reporting modules.

export interface CodecRow {
  suite: 'codec';
  op: 'encode' | 'decode';
  compression: CompressionName;
  records: number;
  valueBytes: number;
  impl: Implementation['name'];
  recordsPerSec: number;
  /** Megabytes (10^6) of record values per second. */
  MBps: number;
  /** On idem rows: idem / kafkajs records per second for the same case (null when kafkajs can't). */
  ratio?: number | null;
  /** On idem rows: idem / platformatic. */
  ratioPlatformatic?: number | null;
}

export interface CrcRow {
  suite: 'codec';
  op: 'crc32c';
  impl: string;
  bytes: number;
  GBps: number;
}
