// The slice of @confluentinc/kafka-javascript's native (node-rdkafka style) API this adapter drives, typed here so
// the package compiles and imports without the optional peer installed. Loaded lazily, on first use.
import { createRequire } from 'node:module';
import { IdemError } from '@idem/core';

export interface NativeError extends Error {
  readonly code: number;
  readonly isFatal?: boolean;
  readonly isRetriable?: boolean;
}

export interface DeliveryReport {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp?: number;
  readonly opaque: unknown;
  readonly size: number;
}

export interface NativeProducer {
  connect(
    options: { timeout?: number; allTopics?: boolean; topic?: string },
    cb: (err: NativeError | null) => void,
  ): void;
  produce(
    topic: string,
    partition: number,
    value: Buffer | null,
    key: Buffer | string | null,
    timestamp: number,
    opaque: unknown,
    headers?: Record<string, Buffer | string>[],
  ): unknown;
  getMetadata(
    options: { topic?: string; allTopics?: boolean; timeout?: number },
    cb: (err: NativeError | null, metadata: { topics: { name: string; partitions: unknown[] }[] }) => void,
  ): void;
  setPollInBackground(on: boolean): unknown;
  flush(timeout: number, cb: (err: NativeError | null) => void): unknown;
  disconnect(timeout: number, cb: (err?: NativeError | null) => void): void;
  on(event: 'delivery-report', listener: (err: NativeError | null, report: DeliveryReport) => void): unknown;
  on(event: 'event.stats', listener: (stats: { message: string }) => void): unknown;
  on(event: 'event.error', listener: (err: NativeError) => void): unknown;
}

export interface NativeModule {
  readonly Producer: new (
    config: Record<string, unknown>,
    topicConfig?: Record<string, unknown>,
  ) => NativeProducer;
  readonly librdkafkaVersion: string;
  readonly CODES: { readonly ERRORS: Readonly<Record<string, number>> };
}

/** The npm name of the optional peer dependency that provides librdkafka's binding. */
export const PEER_NAME = '@confluentinc/kafka-javascript';

let cached: { module: NativeModule } | { reason: string } | undefined;

/** The optional peer, or why it cannot be used here (not installed, or its native addon did not build). */
export function loadNative(): { module: NativeModule } | { reason: string } {
  if (cached === undefined) {
    try {
      // CJS builds have __filename; ESM has import.meta.url (tsup leaves it empty in CJS output).
      const from = typeof __filename === 'string' ? __filename : import.meta.url;
      cached = { module: createRequire(from)(PEER_NAME) as NativeModule };
    } catch (error) {
      cached = {
        reason: `${PEER_NAME} did not load (${String((error as Error).message).split('\n')[0]}); install it (it compiles librdkafka's binding: see @idem/confluent's README)`,
      };
    }
  }
  return cached;
}

let names: Map<number, string> | undefined;

/** librdkafka's name for an error code, without the ERR_ prefix (e.g. 'OUT_OF_ORDER_SEQUENCE_NUMBER', '_MSG_TIMED_OUT'). */
export function codeName(module: NativeModule, code: number): string {
  if (names === undefined) {
    names = new Map();
    for (const [name, value] of Object.entries(module.CODES.ERRORS))
      names.set(value, name.replace(/^ERR_/, ''));
  }
  return names.get(code) ?? `ERROR_${code}`;
}

/** The optional peer `@confluentinc/kafka-javascript` is not installed here, or its native addon did not load. */
export class NativeUnavailableError extends IdemError {
  constructor(reason: string) {
    super('ERR_NATIVE_UNAVAILABLE', reason);
  }
}

/** The optional peer, or a NativeUnavailableError saying what to install. */
export function requireNative(): NativeModule {
  const loaded = loadNative();
  if ('reason' in loaded) throw new NativeUnavailableError(loaded.reason);
  return loaded.module;
}
