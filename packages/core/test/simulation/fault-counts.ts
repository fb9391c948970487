/**
 * Counts what the cluster injected, by kind, so the summary shows the faults really happened. Errors are counted
 * per code as well (`error-10`, `retry-refused-29` ...); leader moves only when a failover made them.
 */
import type { ClusterEvent } from '@idem/memory-broker';

/** Events that are consequences or bookkeeping, not faults. */
const NOT_FAULTS = new Set(['response-released', 'broker-up', 'topic-write-allowed', 'producers-expired']);

export function countFault(counts: Record<string, number>, event: ClusterEvent): void {
  if (NOT_FAULTS.has(event.kind)) return;
  if (event.kind === 'leader-moved') {
    if (event.detail?.includes('failover') === true) bump(counts, 'failover-leader-moved');
    else bump(counts, 'leader-moved');
    return;
  }
  bump(counts, event.kind);
  if ((event.kind === 'error-injected' || event.kind === 'retry-refused') && event.errorCode !== undefined)
    bump(counts, `${event.kind}-${event.errorCode}`);
}

export function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** Adds `from` into `into`, key by key. */
export function addCounts(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [key, n] of Object.entries(from)) bump(into, key, n);
}
