/**
 * The two brokers the conformance suite runs against, behind one shape: a Kafka wire request in, the
 * decoded response out. Both go through @idem/codec in both directions, so what is compared is
 * what each broker puts on the wire, not an in-process shortcut.
 */
import { type AnyApiCodec, apis, KafkaErrorCode } from '@idem/codec';
import { KafkaConnection, parseAddress } from '@idem/wire-client';
import { MemoryCluster } from '../../src/index.js';

export type ApiName = keyof typeof apis;
export type RequestInput<N extends ApiName> = Parameters<(typeof apis)[N]['request']['encode']>[1];
export type Response<N extends ApiName> = ReturnType<(typeof apis)[N]['response']['decode']>;
export type ProducerEntry =
  Response<'DescribeProducers'>['topics'][number]['partitions'][number]['activeProducers'][number];

export interface TopicSpec {
  readonly partitions: number;
  readonly timestampType?: 'CreateTime' | 'LogAppendTime';
}

/** Every wait in this suite is bounded; a broker that does not answer fails the case instead of hanging it. */
export const REQUEST_TIMEOUT_MS = 15_000;
const TOPIC_READY_TIMEOUT_MS = 15_000;
const CLIENT_ID = 'idem-conformance';

/** Where requests go: one connection to the broker that leads every partition of the suite. */
interface RequestChannel {
  request<N extends ApiName>(api: N, version: number, body: RequestInput<N>): Promise<Response<N>>;
  close(): void;
}

export class Target {
  constructor(
    readonly name: string,
    private readonly channel: RequestChannel,
    private readonly makeTopic: (name: string, spec: TopicSpec) => Promise<void>,
  ) {}

  /** Sends one request now (requests issued back to back are pipelined on the connection). */
  request<N extends ApiName>(api: N, version: number, body: RequestInput<N>): Promise<Response<N>> {
    return this.channel.request(api, version, body);
  }

  /** Creates `name` and waits until its partitions accept requests. */
  async createTopic(name: string, spec: TopicSpec): Promise<void> {
    await this.makeTopic(name, spec);
    const deadline = Date.now() + TOPIC_READY_TIMEOUT_MS;
    for (let partition = 0; partition < spec.partitions; partition++) {
      // DescribeProducers is answered by the partition's leader replica, so NONE means a produce will land.
      for (;;) {
        const state = await this.describePartition(name, partition);
        if (state.errorCode === KafkaErrorCode.NONE) break;
        if (Date.now() > deadline) {
          throw new Error(`${this.name}: ${name}-${partition} not ready after ${TOPIC_READY_TIMEOUT_MS} ms`);
        }
        await sleep(50);
      }
    }
  }

  /** The producer state of one partition, read with DescribeProducers v0 (the same API on both targets). */
  async describeProducers(topic: string, partition: number): Promise<ProducerEntry[]> {
    const state = await this.describePartition(topic, partition);
    if (state.errorCode !== KafkaErrorCode.NONE) {
      throw new Error(`${this.name}: DescribeProducers ${topic}-${partition} failed with ${state.errorCode}`);
    }
    // Kafka lists producers in hash-map order; sort so entries compare as sets.
    return [...state.activeProducers].sort((a, b) => (a.producerId < b.producerId ? -1 : 1));
  }

  close(): void {
    this.channel.close();
  }

  private async describePartition(topic: string, partition: number) {
    const response = await this.request('DescribeProducers', 0, {
      topics: [{ name: topic, partitionIndexes: [partition] }],
    });
    const state = response.topics[0]?.partitions[0];
    if (state === undefined) throw new Error(`${this.name}: DescribeProducers answered no partition`);
    return state;
  }
}

/** The real Apache Kafka broker of tooling/kafka (a single node, so it leads every partition). */
export async function kafkaBrokerTarget(bootstrap: string): Promise<Target> {
  const connection = await KafkaConnection.open({
    ...parseAddress(bootstrap),
    clientId: CLIENT_ID,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  });
  const channel: RequestChannel = {
    request: (api, version, body) => connection.request(api, version, body),
    close: () => connection.close(),
  };
  return new Target('kafka 4.3.0', channel, async (name, spec) => {
    const response = await connection.request('CreateTopics', 7, {
      topics: [
        {
          name,
          numPartitions: spec.partitions,
          replicationFactor: 1,
          assignments: [],
          configs:
            spec.timestampType === undefined
              ? []
              : [{ name: 'message.timestamp.type', value: spec.timestampType }],
        },
      ],
      timeoutMs: TOPIC_READY_TIMEOUT_MS,
      validateOnly: false,
    });
    const result = response.topics[0];
    if (result?.errorCode !== KafkaErrorCode.NONE) {
      throw new Error(`CreateTopics ${name}: error ${result?.errorCode} ${result?.errorMessage ?? ''}`);
    }
  });
}

/**
 * The memory broker, one node (node id 1, as tooling/kafka's broker), reached through
 * `cluster.handleFrame`: request frames encoded by the codec in, response frames decoded by it out.
 * Once the broker's TCP server (src/server) exists, this channel becomes a KafkaConnection to that
 * server on port 0, exactly like the Kafka target's; topics are still created through the cluster.
 */
export function memoryBrokerTarget(): Target {
  const cluster = new MemoryCluster({ brokers: 1 });
  const nodeId = cluster.nodeIds[0]!;
  const connectionId = 'conformance';
  let correlationId = 0;
  const channel: RequestChannel = {
    async request(api, version, body) {
      const codec = apis[api] as unknown as AnyApiCodec;
      const sent = ++correlationId;
      const frame = codec.request.encodeFrame(
        { apiVersion: version, correlationId: sent, clientId: CLIENT_ID },
        body as never,
      );
      const answer = await within(
        cluster.handleFrame(nodeId, connectionId, frame),
        REQUEST_TIMEOUT_MS,
        `${api} v${version}`,
      );
      if (answer === null) throw new Error(`${api} v${version}: the memory broker sent no response`);
      const decoded = codec.response.decodeFrame(version, answer);
      if (decoded.correlationId !== sent) {
        throw new Error(`${api} v${version}: correlation id ${decoded.correlationId}, expected ${sent}`);
      }
      return decoded.body as never;
    },
    close: () => cluster.closeConnection(nodeId, connectionId),
  };
  return new Target('memory broker', channel, async (name, spec) => {
    cluster.createTopic(name, {
      partitions: spec.partitions,
      ...(spec.timestampType === undefined ? {} : { config: { messageTimestampType: spec.timestampType } }),
    });
  });
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no response within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
