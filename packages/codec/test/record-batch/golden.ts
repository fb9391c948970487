import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One case of fixtures/golden/record-batches.json (see tooling/golden-vectors/README.md). */
export interface GoldenBatch {
  name: string;
  compression: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  baseOffset: string;
  partitionLeaderEpoch: number;
  magic: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: string;
  maxTimestamp: string;
  producerId: string;
  producerEpoch: number;
  baseSequence: number;
  lastSequence: number;
  isTransactional: boolean;
  isControl: boolean;
  timestampType: 'CreateTime' | 'LogAppendTime';
  crc: number;
  recordCount: number;
  records: {
    offsetDelta: number;
    timestamp: string;
    storedTimestamp?: string;
    key: string | null;
    value: string | null;
    headers: { key: string; value: string | null }[];
  }[];
  hex: string;
  control?: { type: string; typeId: number; coordinatorEpoch: number };
}

const path = fileURLToPath(new URL('../fixtures/golden/record-batches.json', import.meta.url));

export const goldenBatches: GoldenBatch[] = JSON.parse(readFileSync(path, 'utf8'));

export function goldenBytes(name: string): Buffer {
  const found = goldenBatches.find((g) => g.name === name);
  if (found === undefined) throw new Error(`no golden batch ${name}`);
  return Buffer.from(found.hex, 'hex');
}

export const hexOrNull = (h: string | null): Buffer | null => (h === null ? null : Buffer.from(h, 'hex'));
