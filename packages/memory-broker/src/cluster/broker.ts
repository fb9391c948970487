/** One broker (node) of the in-memory cluster. */
import type { BrokerConnection } from '../connection/broker-connection.js';
import { BrokerProducerIds, type ProducerIdController } from './pid-allocator.js';

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
