/** One broker (node) of the in-memory cluster. */
import type { BrokerConnection } from '../connection/broker-connection.js';
import { BrokerProducerIds, type ProducerIdController } from './pid-allocator.js';
import type { StaleMetadataImage } from './stale-metadata.js';

/**
 * How many closed connection ids a broker remembers. Clients never reuse an id on purpose; the memory only has
 * to outlast the moment between a reset and the client noticing it.
 */
const CLOSED_IDS_KEPT = 10_000;

export class Broker {
  readonly producerIds: BrokerProducerIds;
  readonly connections = new Map<string, BrokerConnection>();
  /**
   * Ids of connections that were reset or closed. A reset socket stays dead: a request a client writes to it
   * afterwards is refused, never served on a reopened connection of the same id, which would let a client
   * have two live connections with requests in flight without knowing it.
   */
  private readonly closedIds = new Set<string>();

  /** False while a restart keeps it down: connections are refused, its partitions have no leader. */
  up = true;
  /** Clock time when a down broker comes back; -1 when up. */
  upAt = -1;
  /**
   * Whether the controller still counts this broker as registered (Metadata lists it and its leaderships). A
   * broker killed without a controlled shutdown stays registered, so clients are sent to it and refused, until
   * the controller's session timeout fences it and moves its leaderships (Kafka's broker.session.timeout.ms).
   */
  registered = true;
  /** How many times it was stopped; a timer of an earlier outage checks it to know it is stale. */
  outages = 0;
  /** While set (until `until`), Metadata from this broker answers from this older image (a lagging broker). */
  staleImage: StaleMetadataImage | null = null;
  /** Which client opened each live connection (for faults that match on the client). */
  readonly clientOf = new Map<string, string>();
  /** Broker configs set on this broker at run time (IncrementalAlterConfigs on BROKER '<id>'). */
  readonly dynamicConfigs = new Map<string, string>();

  constructor(
    readonly nodeId: number,
    public host: string,
    public port: number,
    controller: ProducerIdController,
    readonly rack: string | null = null,
  ) {
    this.producerIds = new BrokerProducerIds(controller);
  }

  /** Remembers that connection `id` was reset or closed (the most recent 10,000, so a long-lived server stays bounded). */
  markClosed(id: string): void {
    this.clientOf.delete(id);
    this.closedIds.add(id);
    if (this.closedIds.size > CLOSED_IDS_KEPT) {
      const oldest = this.closedIds.values().next().value;
      if (oldest !== undefined) this.closedIds.delete(oldest);
    }
  }

  isClosed(id: string): boolean {
    return this.closedIds.has(id);
  }
}
