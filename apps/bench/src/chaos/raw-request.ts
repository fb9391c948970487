// Requests kafkajs's admin cannot make (DescribeProducers, IncrementalAlterConfigs), sent straight to one broker over
// a socket and framed by @idem/codec: the producer-state-lost scenario expires a real broker's producer state and
// checks that it is gone.
import { connect } from 'node:net';
import { apis } from '@idem/codec';

type Api = (typeof apis)[keyof typeof apis];
type Input<A extends Api> = Parameters<A['request']['encodeFrame']>[1];
type Output<A extends Api> = ReturnType<A['response']['decodeFrame']>['body'];

/** One request to `address` (host:port) on a connection of its own; rejects after `timeoutMs`. */
export function rawRequest<A extends Api>(
  address: string,
  api: A,
  apiVersion: number,
  value: Input<A>,
  timeoutMs = 5_000,
): Promise<Output<A>> {
  const colon = address.lastIndexOf(':');
  const frame = (api.request.encodeFrame as (h: object, v: unknown) => Buffer)(
    { apiVersion, correlationId: 1, clientId: 'idem-bench' },
    value,
  );
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)) });
    let received = Buffer.alloc(0);
    const done = (fn: () => void) => {
      clearTimeout(timer);
      socket.destroy();
      fn();
    };
    const timer = setTimeout(
      () => done(() => reject(new Error(`${api.name} to ${address}: no answer in ${timeoutMs} ms`))),
      timeoutMs,
    );
    socket.once('error', (error) => done(() => reject(error)));
    socket.once('connect', () => socket.write(frame));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      const whole = received.subarray(0, 4 + received.readInt32BE(0));
      done(() => {
        try {
          resolve(api.response.decodeFrame(apiVersion, whole).body as Output<A>);
        } catch (error) {
          reject(error as Error);
        }
      });
    });
  });
}

/** The producer ids broker `address` (the partition's leader) holds state for on `topic`-`partition`. */
export async function activeProducerIds(
  address: string,
  topic: string,
  partition: number,
): Promise<bigint[]> {
  const response = await rawRequest(address, apis.DescribeProducers, 0, {
    topics: [{ name: topic, partitionIndexes: [partition] }],
  });
  const p = response.topics
    .find((t) => t.name === topic)
    ?.partitions.find((x) => x.partitionIndex === partition);
  if (p === undefined)
    throw new Error(`DescribeProducers to ${address}: no answer for ${topic}-${partition}`);
  if (p.errorCode !== 0)
    throw new Error(
      `DescribeProducers to ${address}: ${topic}-${partition}: error ${p.errorCode} ${p.errorMessage ?? ''}`,
    );
  return p.activeProducers.map((a) => a.producerId);
}

const BROKER_RESOURCE = 4;
const SET = 0;
const DELETE = 1;

/** Sets (a value) or removes (null) broker `nodeId`'s own dynamic value of `name`, through broker `address`. */
export async function setBrokerConfig(
  address: string,
  nodeId: number,
  name: string,
  value: string | null,
): Promise<void> {
  const response = await rawRequest(address, apis.IncrementalAlterConfigs, 1, {
    resources: [
      {
        resourceType: BROKER_RESOURCE,
        resourceName: String(nodeId),
        configs: [{ name, configOperation: value === null ? DELETE : SET, value }],
      },
    ],
    validateOnly: false,
  });
  const r = response.responses[0];
  if (r === undefined || r.errorCode !== 0)
    throw new Error(
      `IncrementalAlterConfigs ${name} on broker ${nodeId}: error ${r?.errorCode} ${r?.errorMessage ?? ''}`,
    );
}
