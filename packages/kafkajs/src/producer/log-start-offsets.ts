// kafkajs reports each partition's logStartOffset from the Produce response; the core's per-record metadata does
// not carry it. This Transport decorator remembers the latest one per partition as responses pass through.
import type { ProduceRequest, ProduceResponse } from '@idem/codec';
import type { Transport } from '@idem/core';

export class LogStartOffsets {
  /** Per topic, per partition: the latest logStartOffset as kafkajs reports it (a decimal string). Read once per
   * send, so the lookup builds no key string and the answer needs no conversion. */
  private readonly latest = new Map<string, string[]>();
  private readonly addresses = new Map<number, string>();

  /** `host:port` of a broker as the latest metadata named it (kafkajs's `broker` in events). */
  brokerAddress(nodeId: number): string | null {
    return this.addresses.get(nodeId) ?? null;
  }

  /** The latest logStartOffset of a partition as a decimal string, or '-1' (as kafkajs reports a missing one). */
  text(topic: string, partition: number): string {
    return this.latest.get(topic)?.[partition] ?? '-1';
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
            if (p.errorCode !== 0 || p.logStartOffset < 0n) continue;
            let partitions = this.latest.get(topic.name);
            if (partitions === undefined) {
              partitions = [];
              this.latest.set(topic.name, partitions);
            }
            partitions[p.index] = p.logStartOffset.toString();
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
    // Without it the core cannot tell which broker a timed-out Metadata request is stuck on (ports/transport.ts).
    const metadataOn = transport.metadataOn;
    if (metadataOn !== undefined)
      observed.metadataOn = async (nodeId, topics) => {
        const response = await metadataOn.call(transport, nodeId, topics);
        for (const broker of response.brokers)
          this.addresses.set(broker.nodeId, `${broker.host}:${broker.port}`);
        return response;
      };
    return observed;
  }
}
