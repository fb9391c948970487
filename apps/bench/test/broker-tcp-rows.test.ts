// The broker suite's TCP rows: kafkajs's ratio to librdkafka is taken sample by sample, not from the medians.
import { describe, expect, it } from 'vitest';
import { type TcpSample, tcpRows } from '../src/suites/broker.js';

const sample = (recordsPerSec: number, serverCpuPercent: number | null = 50): TcpSample => ({
  recordsPerSec,
  serverCpuPercent,
});

describe('broker suite TCP rows', () => {
  it('gives the kafkajs row its per-sample ratio to librdkafka, and librdkafka none', () => {
    const rows = tcpRows(
      new Map([
        ['kafkajs', [sample(100), sample(300), sample(200)]],
        ['librdkafka', [sample(1000), sample(1000), sample(400)]],
      ]),
      20_000,
      100,
    );
    const kafkajs = rows.find((r) => r.client === 'kafkajs')!;
    const librdkafka = rows.find((r) => r.client === 'librdkafka')!;
    // Per sample 0.1, 0.3, 0.5: median 0.3. The quotient of the medians (200 / 1000 = 0.2) would differ.
    expect(kafkajs.vsLibrdkafkaSpread).toEqual({ min: 0.1, median: 0.3, max: 0.5 });
    expect(kafkajs.vsLibrdkafka).toBe(0.3);
    expect(kafkajs.recordsPerSec).toBe(200);
    expect(kafkajs.samples).toBe(3);
    expect(librdkafka.vsLibrdkafka).toBeUndefined();
    expect(librdkafka.recordsPerSec).toBe(1000);
  });

  it('has no ratio when librdkafka did not run, and no CPU figure when a sample has none', () => {
    const [row, ...rest] = tcpRows(new Map([['kafkajs', [sample(100, null), sample(120)]]]), 20_000, 100);
    expect(rest).toEqual([]);
    expect(row!.vsLibrdkafka).toBeUndefined();
    expect(row!.serverCpuPercent).toBeNull();
    expect(row!.recordsPerSec).toBe(110);
  });
});
