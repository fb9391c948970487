import {
  type BrokerServerLogger,
  type CreateTopicOptions,
  MemoryBrokerServer,
  readRecords,
  realClock,
  silentLogger,
} from '@idem/memory-broker';
import type { StoredRecord } from './producer-contract.js';

/** What {@link startMemoryBroker} starts. */
export interface MemoryBrokerOptions {
  /** Topics created before the server listens, by name, e.g. `{ orders: { partitions: 3 } }`. */
  readonly topics: Readonly<Record<string, CreateTopicOptions>>;
  /** Brokers in the cluster, each on its own port; default 2, so partitions have different leaders. */
  readonly brokers?: number;
  /** Interface to bind; default 127.0.0.1. */
  readonly host?: string;
  /** Port of the first broker, the others take the next ones; default 0 (free ports). */
  readonly port?: number;
  /** Where the server reports malformed frames and the like; default silent. */
  readonly logger?: BrokerServerLogger;
}

/** A running `@idem/memory-broker` TCP server, for an adapter's tests. */
export interface MemoryBroker {
  /** `host:port` of every broker, comma-separated: the adapter's bootstrap servers. */
  readonly bootstrapServers: string;
  /** The server itself: its `cluster` for fault injection, events and administration. */
  readonly server: MemoryBrokerServer;
  /** The records a partition holds, in offset order, key and value decoded as UTF-8. Throws for an unknown partition. */
  readLog(topic: string, partition: number): StoredRecord[];
  /** Closes every connection and listener; idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts an in-memory Kafka cluster (Apache Kafka's idempotence rules, real time, records kept) served over TCP on
 * loopback, with the given topics.
 */
export async function startMemoryBroker(options: MemoryBrokerOptions): Promise<MemoryBroker> {
  const server = await MemoryBrokerServer.start({
    brokers: options.brokers ?? 2,
    clock: realClock,
    storeRecords: true,
    logger: options.logger ?? silentLogger,
    topics: options.topics,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
  });
  let stopping: Promise<void> | undefined;
  return {
    bootstrapServers: server.bootstrapServers,
    server,
    readLog: (topic, partition) =>
      readRecords(server, topic, partition).map(({ offset, key, value }) => ({ offset, key, value })),
    stop: () => {
      stopping ??= server.close();
      return stopping;
    },
  };
}
