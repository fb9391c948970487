// What the proxy needs to know about a client request: which API it is (for fault filters and for parsing the
// response), its correlation id (to find the response), and whether the broker will answer at all.
import { Reader } from '@idem/codec';
import { ApiKey, isFlexible } from './api-keys.js';
import { skipTaggedFields } from './tagged-fields.js';

export interface RequestInfo {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  /** False only for Produce with acks=0, which the broker never answers. */
  readonly expectsResponse: boolean;
}

/** Reads the header of a whole request frame (size prefix included). Throws a CodecError on a malformed header. */
export function readRequestInfo(frame: Buffer): RequestInfo {
  const reader = new Reader(frame, 4);
  reader.context = 'request header';
  const apiKey = reader.int16('requestApiKey');
  const apiVersion = reader.int16('requestApiVersion');
  const correlationId = reader.int32('correlationId');
  let expectsResponse = true;
  if (apiKey === ApiKey.Produce) {
    // Request header v1 has a (never compact) client id; v2, used with flexible bodies, adds tagged fields.
    reader.nullableString('clientId');
    const flexible = isFlexible(apiKey, apiVersion);
    if (flexible) skipTaggedFields(reader, 'header.taggedFields');
    reader.context = `Produce v${apiVersion} request`;
    if (apiVersion >= 3) {
      if (flexible) reader.compactNullableString('transactionalId');
      else reader.nullableString('transactionalId');
    }
    expectsResponse = reader.int16('acks') !== 0;
  }
  return { apiKey, apiVersion, correlationId, expectsResponse };
}

/** The correlation id of a whole response frame (size prefix included), or null when the frame is too short. */
export function responseCorrelationId(frame: Buffer): number | null {
  return frame.length >= 8 ? frame.readInt32BE(4) : null;
}
