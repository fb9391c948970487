/** Reads every generation of a topic (deleted ones too) as the testkit checker's partition logs. */
import { decodeRecordBatch } from '@idem/codec';
import type { MemoryCluster } from '@idem/memory-broker';
import type { PartitionLog } from '@idem/testkit';

export function readGenerations(cluster: MemoryCluster, topic: string): PartitionLog[] {
  const generations = cluster.topicGenerations(topic);
  const logs: PartitionLog[] = [];
  for (const generation of generations) {
    for (let partition = 0; partition < generation.partitions; partition++) {
      const records: { offset: bigint; id: string | null }[] = [];
      for (const stored of cluster.readGenerationLog(generation.topicId, partition).batches) {
        if (stored.bytes === null) throw new Error('the cluster was created without storeRecords');
        const batch = decodeRecordBatch(stored.bytes);
        for (const record of batch.records) {
          records.push({
            offset: batch.baseOffset + BigInt(record.offsetDelta),
            id: record.value?.toString('utf8') ?? null,
          });
        }
      }
      // One generation needs no label, so a run without deletions reads exactly as before.
      logs.push(
        generations.length === 1
          ? { topic, partition, records }
          : { topic, partition, records, generation: generation.topicId },
      );
    }
  }
  return logs;
}
