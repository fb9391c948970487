// idem's per-record metadata → kafkajs's per-partition RecordMetadata[]: what `producer.send()` resolved with in
// kafkajs, one entry per topic-partition the call wrote to.
import type { RecordMetadata as IdemRecordMetadata } from '@idem/core';
import type { RecordMetadata } from 'kafkajs';

/**
 * `results[i]` is the metadata of the record sent with timestamp `sentTimestamps[i]`. baseOffset is the lowest
 * offset the call got in that partition (kafkajs: the base offset of its batch there). A timestamp that differs
 * from the one sent is the broker's LogAppendTime.
 */
export function toKafkajsMetadata(
  results: readonly IdemRecordMetadata[],
  sentTimestamps: readonly number[],
  logStartOffset: (topic: string, partition: number) => string = () => '-1',
): RecordMetadata[] {
  const byPartition = new Map<
    string,
    { topic: string; partition: number; base: bigint; appendTime: bigint | null }
  >();
  results.forEach((result, i) => {
    const key = `${result.partition}:${result.topic}`;
    const sent = sentTimestamps[i];
    const appendTime = sent !== undefined && result.timestamp !== BigInt(sent) ? result.timestamp : null;
    const entry = byPartition.get(key);
    if (entry === undefined) {
      byPartition.set(key, {
        topic: result.topic,
        partition: result.partition,
        base: result.offset,
        appendTime,
      });
    } else if (result.offset < entry.base) {
      entry.base = result.offset;
      entry.appendTime = appendTime;
    }
  });
  return [...byPartition.values()].map((entry) => ({
    topicName: entry.topic,
    partition: entry.partition,
    errorCode: 0,
    baseOffset: entry.base.toString(),
    logAppendTime: entry.appendTime === null ? '-1' : entry.appendTime.toString(),
    // The latest the broker reported for the partition; -1 (as kafkajs reports a missing one) if none yet.
    logStartOffset: logStartOffset(entry.topic, entry.partition),
  }));
}
