import type { ProducerConfig } from '../../config/resolve.js';
import type { IdemError } from '../../errors/idem-error.js';
import { InvalidRecordError, SendTimeoutError } from '../../errors/send-errors.js';
import { keyedPartition } from '../../partitioner/murmur2.js';
import type { StickyPartitioner } from '../../partitioner/sticky-partitioner.js';
import type { Accumulator } from '../accumulator/accumulator.js';
import { PartitionEntry, partitionKey } from '../accumulator/partition-state.js';
import type { MetadataCache, TopicMetadata } from '../metadata/metadata-cache.js';
import type { PendingRecord } from '../send/pending-record.js';
import { type BacklogEntry, SendBacklog } from './send-backlog.js';

/**
 * From `send()` to a partition's batch: waits (in order) for buffer space and topic metadata, picks the partition
 * once — explicit, murmur2 of the key, or sticky — and appends to the accumulator. Owns the buffer accounting
 * (`bufferMemory`) and the partition table.
 */
export class RecordPlacement {
  readonly partitions = new Map<string, PartitionEntry>();
  /** The same entries indexed by topic, then partition: the per-record lookup builds no key string. */
  private readonly byTopic = new Map<string, PartitionEntry[]>();
  /** Partitions with anything queued or unfinished; the only ones the sender loop looks at. */
  readonly active = new Set<PartitionEntry>();
  bufferedBytes = 0;
  private readonly backlog = new SendBacklog();
  /**
   * What the last pass over the backlog left, so the next pass can start at the first send it has not looked at:
   * while no metadata arrived, no deadline passed and no send waits for buffer space, the sends it kept still wait
   * for the same reasons, and walking them again for every new send() made a burst behind one metadata fetch
   * quadratic (issue 11's profile: 83% of the open loop's time).
   */
  private resume: {
    from: number;
    blocked: Set<string> | null;
    wakeAt: number;
    bufferBlocked: boolean;
    metadataVersion: number;
  } | null = null;

  constructor(
    private readonly config: ProducerConfig,
    private readonly metadata: MetadataCache,
    private readonly accumulator: Accumulator,
    private readonly sticky: StickyPartitioner,
  ) {}

  enqueue(records: readonly PendingRecord[], bytes: number, now: number): void {
    this.backlog.push({ records, bytes, deadline: now + this.config.maxBlockMs, reserved: false });
  }

  get waiting(): number {
    return this.backlog.size;
  }

  release(bytes: number): void {
    this.bufferedBytes -= bytes;
    // Space for the send at the head of the buffer queue: the next pass starts from the front.
    if (this.resume?.bufferBlocked) this.resume = null;
  }

  /**
   * Places waiting sends whose metadata and buffer space are available, in call order; returns the next deadline.
   * A send waiting for a topic's metadata blocks only later sends sharing a topic with it (per-partition order);
   * buffer space is handed out strictly first come, first served.
   */
  pump(now: number): number {
    const entries = this.backlog.entries;
    if (entries.length === 0) {
      this.resume = null;
      return Number.POSITIVE_INFINITY;
    }
    let wakeAt = Number.POSITIVE_INFINITY;
    let blocked: Set<string> | null = null;
    let kept = 0;
    let i = 0;
    const resume = this.resume;
    if (resume !== null && now < resume.wakeAt && resume.metadataVersion === this.metadata.version) {
      // Nothing changed for the sends already looked at; behind one waiting for buffer space nothing moves.
      if (resume.bufferBlocked) return resume.wakeAt;
      i = kept = resume.from;
      blocked = resume.blocked;
      wakeAt = resume.wakeAt;
    }
    let bufferBlocked = false;
    for (; i < entries.length; i++) {
      const item = entries[i]!;
      const waitsFor = this.waitingTopic(item, blocked);
      if (waitsFor !== null) {
        if (now >= item.deadline) {
          this.fail(
            item,
            new SendTimeoutError('metadata', this.config.maxBlockMs, `metadata of topic ${waitsFor}`),
          );
          continue;
        }
        blocked ??= new Set();
        for (const record of item.records) blocked.add(record.topic);
        wakeAt = Math.min(wakeAt, item.deadline);
        entries[kept++] = item;
        continue;
      }
      if (!item.reserved) {
        if (this.bufferedBytes > 0 && this.bufferedBytes + item.bytes > this.config.bufferMemory) {
          if (now >= item.deadline) {
            this.fail(
              item,
              new SendTimeoutError('bufferFull', this.config.maxBlockMs, 'buffer space (bufferMemory)'),
            );
            continue;
          }
          // First come, first served: nothing behind it gets buffer space before it does.
          wakeAt = Math.min(wakeAt, item.deadline);
          bufferBlocked = true;
          break;
        }
        item.reserved = true;
        this.bufferedBytes += item.bytes;
      }
      for (const record of item.records) this.place(record, now);
    }
    // Everything from the buffer-blocked send on keeps waiting, in order. Its deadline is the earliest of them
    // (every send gets the same maxBlockMs), so they need no visit; and when nothing ahead of it left the backlog
    // the array stays as it is: under back-pressure a pass per send must not cost a walk over every waiting send.
    this.resume = {
      from: kept,
      blocked,
      wakeAt,
      bufferBlocked,
      metadataVersion: this.metadata.version,
    };
    if (i < entries.length && kept === i) return wakeAt;
    if (i < entries.length) entries.copyWithin(kept, i);
    entries.length = kept + (entries.length - i);
    return wakeAt;
  }

  /**
   * The topic `item` waits for, or null if it can be placed: a topic an earlier waiting send holds (order), or one
   * without metadata yet (asked for here).
   */
  private waitingTopic(item: BacklogEntry, blocked: Set<string> | null): string | null {
    for (const record of item.records) {
      if (blocked?.has(record.topic)) return record.topic;
    }
    for (const record of item.records) {
      if (this.metadata.get(record.topic) === undefined) {
        this.metadata.refresh(record.topic);
        return record.topic;
      }
    }
    return null;
  }

  /** Fails the waiting sends that touch `topic` (its metadata was refused); the others keep their order. */
  failTopic(topic: string, error: IdemError): void {
    this.resume = null;
    for (const item of this.backlog.drain()) {
      if (item.records.some((r) => r.topic === topic)) this.fail(item, error);
      else this.backlog.push(item);
    }
  }

  /** Fails every waiting send (fatal, close). */
  failAll(error: IdemError): void {
    this.resume = null;
    for (const item of this.backlog.drain()) this.fail(item, error);
  }

  private fail(item: BacklogEntry, error: IdemError): void {
    if (item.reserved) this.bufferedBytes -= item.bytes;
    for (const record of item.records) record.call.fail(record.index, error);
  }

  private place(record: PendingRecord, now: number): void {
    const metadata = this.metadata.get(record.topic)!;
    let partition = record.partition;
    if (partition === undefined) {
      partition =
        record.key !== null
          ? keyedPartition(record.key, metadata.partitionCount)
          : this.sticky.partition(record.topic, metadata.partitionCount, record.sizeBytes);
      record.partition = partition;
    } else if (partition >= metadata.partitionCount) {
      this.bufferedBytes -= record.sizeBytes;
      const detail = `${record.topic} has ${metadata.partitionCount} partitions, got ${partition}`;
      record.call.fail(record.index, new InvalidRecordError('partition', detail));
      return;
    }
    const entry = this.entry(record.topic, partition, metadata);
    this.accumulator.append(entry, record, now);
    this.active.add(entry);
  }

  private entry(topic: string, partition: number, metadata: TopicMetadata): PartitionEntry {
    let entries = this.byTopic.get(topic);
    if (entries === undefined) {
      entries = [];
      this.byTopic.set(topic, entries);
    }
    let entry = entries[partition];
    if (entry === undefined) {
      entry = new PartitionEntry(topic, partition);
      entry.leader = metadata.leaders[partition] ?? -1;
      entry.leaderEpoch = metadata.leaderEpochs[partition] ?? -1;
      entry.topicId = metadata.topicId;
      this.partitions.set(partitionKey(topic, partition), entry);
      entries[partition] = entry;
    }
    return entry;
  }
}
