// Polls the cluster's metadata for one topic every POLL_MS, straight from the brokers (not through any client
// under test), so a stall can be measured from the moment metadata shows a partition's new leader.
import type { Kafka } from 'kafkajs';

const POLL_MS = 100;
/** One poll may not hang the watch: a dead node can swallow a request until the socket errors. */
const POLL_TIMEOUT_MS = 2_000;

export interface LeaderSample {
  /** performance.now() when the answer came back. */
  readonly at: number;
  /** Leader per partition; -1 while none. */
  readonly leaders: ReadonlyMap<number, number>;
  readonly isrFull: boolean;
}

export interface LeaderWatch {
  /** The latest sample (the first is taken before `startLeaderWatch` resolves). */
  current(): LeaderSample;
  /** The first sample at or after `from` in which `partition` is led by a node other than `old`. */
  firstNewLeader(partition: number, old: number, from: number): LeaderSample | null;
  /** Resolves once every partition has all its replicas in sync, or false after `limitMs`. */
  untilIsrFull(limitMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startLeaderWatch(kafka: Kafka, topic: string): Promise<LeaderWatch> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  await admin.connect();
  const samples: LeaderSample[] = [];
  let stopped = false;
  const poll = async (): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const { topics } = await Promise.race([
        admin.fetchTopicMetadata({ topics: [topic] }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('metadata poll timed out')), POLL_TIMEOUT_MS);
        }),
      ]);
      const partitions = topics[0]?.partitions ?? [];
      samples.push({
        at: performance.now(),
        leaders: new Map(partitions.map((p) => [p.partitionId, p.leader])),
        isrFull: partitions.every((p) => p.isr.length === p.replicas.length),
      });
    } catch {
      // A node just died under the admin client: the next poll asks another.
    } finally {
      clearTimeout(timer);
    }
  };
  await poll();
  if (samples.length === 0) await poll();
  if (samples.length === 0) throw new Error(`no metadata for ${topic}`);
  const loop = (async () => {
    while (!stopped) {
      await poll();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();
  return {
    current: () => samples.at(-1) as LeaderSample,
    firstNewLeader(partition, old, from) {
      for (const s of samples) {
        const leader = s.leaders.get(partition) ?? -1;
        if (s.at >= from && leader >= 0 && leader !== old) return s;
      }
      return null;
    },
    async untilIsrFull(limitMs) {
      const until = performance.now() + limitMs;
      while (performance.now() < until) {
        const last = samples.at(-1);
        if (last?.isrFull && [...last.leaders.values()].every((l) => l >= 0)) return true;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      return false;
    },
    async stop() {
      stopped = true;
      await loop;
      await admin.disconnect();
    },
  };
}
