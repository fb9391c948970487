import type {
  InitProducerIdRequestInput,
  InitProducerIdResponse,
  MetadataResponse,
  ProduceRequestInput,
  ProduceResponse,
} from '@idem/codec';
import { type ApiName, ConnectionClosedError, KafkaConnection, parseAddress } from './connection.js';
import { negotiateVersions, type VersionChoice } from './versions.js';

export interface WireTransportOptions {
  /** `host:port` of any broker of the cluster. */
  readonly bootstrap: string;
  readonly clientId?: string;
  readonly requestTimeoutMs?: number;
  /** Highest versions this transport asks for; lowered to what each broker supports. */
  readonly maxVersions?: Partial<Record<ApiName, number>>;
}

const NO_TOPIC_ID = '00000000-0000-0000-0000-000000000000';

/**
 * idem core's Transport port over plain TCP with @idem/codec: one connection per broker, requests
 * pipelined in order. Test-only: no TLS, no SASL, no reconnect back-off (a closed connection is
 * reopened by the next request).
 */
export class WireTransport {
  private readonly addresses = new Map<number, { host: string; port: number }>();
  private readonly connections = new Map<number | 'bootstrap', Promise<NodeConnection>>();

  constructor(private readonly options: WireTransportOptions) {}

  async metadata(topics: readonly string[]): Promise<MetadataResponse> {
    const { connection, versions } = await this.node('bootstrap');
    const response = await connection.request('Metadata', versions.Metadata, {
      topics: topics.map((name) => ({ name, topicId: NO_TOPIC_ID })),
      allowAutoTopicCreation: true,
      includeTopicAuthorizedOperations: false,
    });
    for (const broker of response.brokers)
      this.addresses.set(broker.nodeId, { host: broker.host, port: broker.port });
    return response;
  }

  async initProducerId(request: InitProducerIdRequestInput): Promise<InitProducerIdResponse> {
    const { connection, versions } = await this.node('bootstrap');
    return connection.request('InitProducerId', versions.InitProducerId, request);
  }

  async produce(nodeId: number, request: ProduceRequestInput): Promise<ProduceResponse> {
    const { connection, versions } = await this.node(nodeId);
    return connection.request('Produce', versions.Produce, request);
  }

  /** The versions negotiated with a broker (after its first request). */
  async versionsOf(nodeId: number | 'bootstrap'): Promise<VersionChoice> {
    return (await this.node(nodeId)).versions;
  }

  disconnect(nodeId: number): void {
    const entry = this.connections.get(nodeId);
    this.connections.delete(nodeId);
    void entry?.then(
      (c) => c.connection.close(new ConnectionClosedError(`disconnected from node ${nodeId}`, false)),
      () => {},
    );
  }

  async close(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(
      all.map((p) =>
        p.then(
          (c) => c.connection.close(),
          () => {},
        ),
      ),
    );
  }

  private node(nodeId: number | 'bootstrap'): Promise<NodeConnection> {
    const existing = this.connections.get(nodeId);
    if (existing !== undefined) {
      return existing.then((c) => (c.connection.closed ? this.reopen(nodeId) : c));
    }
    return this.reopen(nodeId);
  }

  private reopen(nodeId: number | 'bootstrap'): Promise<NodeConnection> {
    const address =
      nodeId === 'bootstrap' ? parseAddress(this.options.bootstrap) : this.addresses.get(nodeId);
    if (address === undefined) {
      return Promise.reject(
        new ConnectionClosedError(`node ${nodeId} is not in the metadata seen so far`, true),
      );
    }
    const opening = openNode(address, this.options);
    this.connections.set(nodeId, opening);
    opening.catch(() => this.connections.delete(nodeId));
    return opening;
  }
}

interface NodeConnection {
  readonly connection: KafkaConnection;
  readonly versions: VersionChoice;
}

async function openNode(
  address: { host: string; port: number },
  options: WireTransportOptions,
): Promise<NodeConnection> {
  const connection = await KafkaConnection.open({
    ...address,
    clientId: options.clientId ?? 'idem-wire-transport',
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
  });
  const versions = await negotiateVersions(connection, options.maxVersions ?? {});
  return { connection, versions };
}
