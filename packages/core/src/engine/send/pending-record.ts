import type { SendCall } from './send-call.js';

export interface EncodedHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

/** A record after validation: bytes ready to encode, and the send call waiting for it. */
export interface PendingRecord {
  readonly topic: string;
  /** Explicit partition from the user, or undefined until the partitioner runs. */
  partition: number | undefined;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly EncodedHeader[];
  /** CreateTime in ms: a number while it is a safe integer, a bigint beyond. */
  readonly timestamp: number | bigint;
  /** Upper bound of the record's encoded size, counted against batchSize and bufferMemory. */
  readonly sizeBytes: number;
  readonly call: SendCall;
  readonly index: number;
  /** Clock time of the send() call, for latency metrics. */
  readonly sentAt: number;
}
