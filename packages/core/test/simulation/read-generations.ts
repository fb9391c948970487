/** Reads every generation of a topic (deleted ones too) as the testkit checker's partition logs. */
import { type MemoryCluster, readGenerationRecords } from '@idem/memory-broker';
import type { PartitionLog } from '@idem/testkit';

export function readGenerations(cluster: MemoryCluster, topic: string): PartitionLog[] {
  const generations = cluster.topicGenerations(topic);
  const logs: PartitionLog[] = [];
  for (const generation of generations) {
    for (let partition = 0; partition < generation.partitions; partition++) {
      const records = readGenerationRecords(cluster, generation.topicId, partition).map((r) => ({
        offset: r.offset,
        id: r.value,
      }));
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
