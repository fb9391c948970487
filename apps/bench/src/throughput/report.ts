// The throughput table and JSON rows.
export interface ThroughputRow {
  suite: 'throughput';
  broker: 'kafka' | 'memory';
  client: string;
  /** Messages per `send` call. */
  messagesPerSend: number;
  recordsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** idem-kafkajs records/s ÷ this row's, for the same send size (idem rows: 1). */
  idemRatio?: number;
}

export function formatThroughputTable(rows: readonly ThroughputRow[], notes: readonly string[]): string {
  const lines = [
    `${'client'.padEnd(20)} ${'msgs/send'.padStart(9)} ${'records/s'.padStart(12)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)}  idem-kafkajs is`,
  ];
  for (const r of rows) {
    const ratio =
      r.client !== 'idem-kafkajs' && r.idemRatio !== undefined ? `${r.idemRatio.toFixed(2)}x faster` : '';
    lines.push(
      `${r.client.padEnd(20)} ${String(r.messagesPerSend).padStart(9)} ${Math.round(r.recordsPerSec).toLocaleString('en-US').padStart(12)} ${r.p50Ms.toFixed(2).padStart(9)} ${r.p99Ms.toFixed(2).padStart(9)}  ${ratio}`,
    );
  }
  return `${[...lines, ...notes.map((n) => `note: ${n}`)].join('\n')}\n`;
}
