/** One broker (node) of the in-memory cluster. */
import type { BrokerConnection } from '../connection/broker-connection.js';
import { BrokerProducerIds, type ProducerIdController } from './pid-allocator.js';

export class Broker {
  readonly producerIds: BrokerProducerIds;
  readonly connections = new Map<string, BrokerConnection>();
  /**
   * Ids of connections that were reset or closed. A reset socket stays dead: a request a client writes to it
   * afterwards is refused, never served on a reopened connection of the same id, which would let a client
   * have two live connections with requests in flight without knowing it.
   */
  readonly closedConnections = new Set<string>();
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
}
