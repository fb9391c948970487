// Reading a topic back from a real broker for the delivery checker: take each partition's high watermark first,
// then consume until every partition reached it (bounded). The clients differ (kafkajs, librdkafka's KafkaJS-style
// API); what they are asked for has one shape, so the bookkeeping lives here once.
import type { PartitionLog } from './checker.js';

/** One record as read back: its offset, and key and value as UTF-8 text (null when absent). */
export interface StoredMessage {
  readonly offset: bigint;
  readonly key: string | null;
  readonly value: string | null;
}

/** The admin calls both kafkajs and librdkafka's KafkaJS-style admin offer for this. */
export interface WatermarkAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  fetchTopicOffsets(topic: string): Promise<readonly { partition: number; high: string }[]>;
}

/** Each partition's high watermark before reading: what "the whole topic" means for this read. */
export async function highWatermarks(admin: WatermarkAdmin, topic: string): Promise<Map<number, bigint>> {
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const p of await admin.fetchTopicOffsets(topic)) ends.set(p.partition, BigInt(p.high));
  } finally {
    await admin.disconnect();
  }
  return ends;
}

/** A message as consumers hand it over (offset as a decimal string, bytes or null). */
export interface ConsumedMessage {
  readonly offset: string;
  readonly key?: { toString(): string } | null;
  readonly value?: { toString(): string } | null;
}

/** Collects the records below each partition's end and says when every partition got there. */
export class TopicReadBack {
  readonly logs: Map<number, StoredMessage[]>;
  private readonly remaining: Set<number>;
  private finish!: () => void;
  private readonly done = new Promise<void>((resolve) => {
    this.finish = resolve;
  });

  constructor(
    private readonly topic: string,
    private readonly ends: ReadonlyMap<number, bigint>,
  ) {
    this.logs = new Map([...ends.keys()].map((p) => [p, []]));
    this.remaining = new Set([...ends].filter(([, end]) => end > 0n).map(([p]) => p));
    if (this.remaining.size === 0) this.finish();
  }

  /** True when there is nothing to read (every partition empty): no consumer is needed. */
  get empty(): boolean {
    return this.remaining.size === 0;
  }

  /** Records `message` of `partition` if it lies below the end taken before reading. */
  take(partition: number, message: ConsumedMessage): void {
    const offset = BigInt(message.offset);
    if (offset < (this.ends.get(partition) ?? 0n)) {
      this.logs.get(partition)?.push({
        offset,
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? null,
      });
    }
    this.reached(partition, offset + 1n);
  }

  /** The consumer's next offset on `partition` is `next` (transaction markers and compaction gaps included). */
  reached(partition: number, next: bigint): void {
    if (next >= (this.ends.get(partition) ?? 0n)) this.remaining.delete(partition);
    if (this.remaining.size === 0) this.finish();
  }

  /** Resolves once every partition was read to its end; rejects after `timeoutMs`. */
  async finished(timeoutMs: number): Promise<Map<number, StoredMessage[]>> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`reading ${this.topic} back took longer than ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    await Promise.race([this.done, timeout]).finally(() => clearTimeout(timer));
    return this.logs;
  }
}

/** Read-back logs in the checker's shape; a record's id is its value. */
export function toPartitionLogs(topic: string, logs: ReadonlyMap<number, StoredMessage[]>): PartitionLog[] {
  return [...logs].map(([partition, records]) => ({
    topic,
    partition,
    records: records.map((r) => ({ offset: r.offset, id: r.value })),
  }));
}
