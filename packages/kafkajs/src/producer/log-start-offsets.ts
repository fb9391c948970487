// kafkajs reports each partition's logStartOffset from the Produce response; the core's per-record metadata does
// not carry it. This Transport decorator remembers the latest one per partition as responses pass through.
import type { ProduceRequest, ProduceResponse } from '@idem/codec';
import type { Transport } from '@idem/core';

export class LogStartOffsets {
  private readonly latest = new Map<string, bigint>();
  private readonly addresses = new Map<number, string>();

  /** `host:port` of a broker as the latest metadata named it (kafkajs's `broker` in events). */
  brokerAddress(nodeId: number): string | null {
    return this.addresses.get(nodeId) ?? null;
  }

  get(topic: string, partition: number): bigint | undefined {
    return this.latest.get(`${partition}:${topic}`);
  }

  /** `transport` with every Produce response's logStartOffsets recorded; everything else passes through. */
  observe(transport: Transport): Transport {
    const observed: Transport = {
      metadata: async (topics) => {
        const response = await transport.metadata(topics);
        for (const broker of response.brokers)
          this.addresses.set(broker.nodeId, `${broker.host}:${broker.port}`);
        return response;
      },
      initProducerId: (request) => transport.initProducerId(request),
      produce: async (nodeId: number, request: ProduceRequest): Promise<ProduceResponse> => {
        const response = await transport.produce(nodeId, request);
        for (const topic of response.responses) {
          for (const p of topic.partitionResponses) {
            if (p.errorCode === 0 && p.logStartOffset >= 0n)
              this.latest.set(`${p.index}:${topic.name}`, p.logStartOffset);
          }
        }
        return response;
      },
      disconnect: (nodeId) => transport.disconnect(nodeId),
      close: () => transport.close(),
    };
    const onNode = transport.initProducerIdOn;
    if (onNode !== undefined)
      observed.initProducerIdOn = (nodeId, request) => onNode.call(transport, nodeId, request);
    return observed;
  }
}
