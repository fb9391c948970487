// A partition log in a line a reader can check by eye: consecutive records of one group (the id up to its first
// '-') run-length encoded, and a record seen again starting a new run, so a duplicate stands out:
// `[w, A×500, B, B]` is a warm-up record, 500 records of A once, and B twice.
import type { PartitionLog } from '@idem/testkit';

export function logShape(log: PartitionLog): string {
  const runs: { group: string; ids: Set<string> }[] = [];
  for (const record of log.records) {
    const id = record.id ?? '?';
    const group = id.split('-')[0] ?? id;
    const last = runs.at(-1);
    if (last !== undefined && last.group === group && !last.ids.has(id)) last.ids.add(id);
    else runs.push({ group, ids: new Set([id]) });
  }
  return `[${runs.map((r) => (r.ids.size === 1 ? r.group : `${r.group}×${r.ids.size}`)).join(', ')}]`;
}
