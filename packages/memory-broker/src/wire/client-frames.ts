/** The client side of the wire for `connect({ wire: true })`: request objects to frames, response frames to objects. */
import { type AnyApiCodec, apis } from '@idem/codec';
import type { ServedApi } from '../faults/match.js';
import type { RequestOf, ResponseOf } from '../handlers/dispatch.js';

function codecOf(api: ServedApi): AnyApiCodec {
  return apis[api] as unknown as AnyApiCodec;
}

export function encodeRequestFrame<A extends ServedApi>(
  api: A,
  version: number,
  correlationId: number,
  clientId: string,
  request: RequestOf<A>,
): Buffer {
  return codecOf(api).request.encodeFrame({ apiVersion: version, correlationId, clientId }, request as never);
}

export function decodeResponseFrame<A extends ServedApi>(
  api: A,
  version: number,
  correlationId: number,
  frame: Uint8Array,
): ResponseOf<A> {
  const decoded = codecOf(api).response.decodeFrame(version, frame);
  if (decoded.correlationId !== correlationId) {
    throw new Error(
      `${api} response carries correlation id ${decoded.correlationId}, expected ${correlationId}`,
    );
  }
  return decoded.body as ResponseOf<A>;
}
