// The throughput table and JSON rows.
import { formatSpread, type VsFields } from '../ratio-spread.js';

/**
 * One client and send size. Rows other than idem-kafkajs's carry this client's records/s ÷ idem-kafkajs's for the
 * same send size, round by round of the interleaved run: `vsIdemKafkajs` (the median), `vsIdemKafkajsSpread`.
 */
export type ThroughputRow = {
  suite: 'throughput';
  broker: 'kafka' | 'memory';
  client: string;
  /** Messages per `send` call. */
  messagesPerSend: number;
  /** The median over the rounds. */
  recordsPerSec: number;
  /** Records/s of every round, in round order. */
  rounds: number[];
  p50Ms: number;
  p99Ms: number;
} & VsFields<'IdemKafkajs'>;

export function formatThroughputTable(rows: readonly ThroughputRow[], notes: readonly string[]): string {
  const lines = [
    `${'client'.padEnd(20)} ${'msgs/send'.padStart(9)} ${'records/s'.padStart(12)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)}  × idem-kafkajs per round: median (min–max)`,
  ];
  for (const r of rows) {
    lines.push(
      `${r.client.padEnd(20)} ${String(r.messagesPerSend).padStart(9)} ${Math.round(r.recordsPerSec).toLocaleString('en-US').padStart(12)} ${r.p50Ms.toFixed(2).padStart(9)} ${r.p99Ms.toFixed(2).padStart(9)}  ${r.client === 'idem-kafkajs' ? '' : formatSpread(r.vsIdemKafkajsSpread)}`,
    );
  }
  return `${[...lines, ...notes.map((n) => `note: ${n}`)].join('\n')}\n`;
}
