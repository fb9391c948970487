/** The records every implementation encodes and decodes: same keys, values and timestamps. */
export interface WorkloadRecord {
  key: Buffer;
  value: Buffer;
  timestamp: number;
}

export const BASE_TIMESTAMP = 1_700_000_000_000;

/**
 * Values look like small JSON documents with varying digits, so that compression has realistic
 * work to do (neither incompressible noise nor a run of one byte).
 */
export function makeRecords(count: number, valueBytes: number, seed = 1): WorkloadRecord[] {
  let x = seed;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const records: WorkloadRecord[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    while (text.length < valueBytes) {
      text += `{"id":${next() % 100000},"user":"u${next() % 5000}","amount":${(next() % 100000) / 100},"ok":${next() % 2 === 0}}`;
    }
    records.push({
      key: Buffer.from(`key-${i.toString().padStart(6, '0')}`),
      value: Buffer.from(text.slice(0, valueBytes)),
      timestamp: BASE_TIMESTAMP + i,
    });
  }
  return records;
}
