// What a chaos scenario does with the producer once the proxy is in place: the stock workload (many concurrent
// sends spread over the partitions), or a scenario's own script. Either way every record goes through `send`, which
// keeps what the checker needs: the id, the send order, the partition, and how the send ended.
import type { FaultProxy } from '@idem/fault-proxy';
import type { Kafka } from 'kafkajs';
import type { ChaosClient, MessageOutcome } from './clients.js';

export interface WorkloadOptions {
  readonly partitions: number;
  readonly messagesPerSend: number;
  /** `send` calls outstanding at once. */
  readonly concurrency: number;
  /** Records to send in all. */
  readonly records: number;
  /** No new sends after this long from `started`. */
  readonly deadlineMs: number;
}

/** One record as sent, filled in when its send settles. */
export interface SentEntry {
  readonly id: string;
  readonly order: number;
  readonly partition: number;
  outcome: MessageOutcome | null;
}

export interface WorkloadContext {
  readonly producer: ChaosClient;
  readonly proxy: FaultProxy;
  /** A client straight to the broker, not through the proxy (admin changes, reading back). */
  readonly direct: Kafka;
  readonly topic: string;
  readonly options: WorkloadOptions;
  /** performance.now() when the workload began. */
  readonly started: number;
  /** Sends `ids` to one partition in one send call, in this order, recording each for the checker. */
  send(partition: number, ids: readonly string[]): Promise<MessageOutcome[]>;
  /** Counts a fault the workload injected itself, outside the proxy; reported with the proxy's counts. */
  countFault(kind: string): void;
}

/** A workload settles when its sends did; the runner stops waiting at its deadline anyway. */
export type Workload = (context: WorkloadContext) => Promise<void>;

/** The stock workload: `concurrency` workers, each sending `messagesPerSend` records at a time, round the partitions. */
export const concurrentSends: Workload = async (context) => {
  const { options } = context;
  const sends = Math.ceil(options.records / options.messagesPerSend);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < sends && performance.now() - context.started < options.deadlineMs) {
      const s = next++;
      const ids = Array.from({ length: options.messagesPerSend }, (_, m) => `${s}-${m}`);
      await context.send(s % options.partitions, ids);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
};

/** The `send` of a workload context: records every entry in `sent` before the call, its outcome after. */
export function recordingSend(
  producer: ChaosClient,
  topic: string,
  sent: SentEntry[],
): (partition: number, ids: readonly string[]) => Promise<MessageOutcome[]> {
  return async (partition, ids) => {
    const entries = ids.map((id) => {
      const entry: SentEntry = { id, order: sent.length, partition, outcome: null };
      sent.push(entry);
      return entry;
    });
    const outcomes = await producer.send(topic, partition, ids);
    outcomes.forEach((outcome, i) => {
      (entries[i] as SentEntry).outcome = outcome;
    });
    return outcomes;
  };
}
