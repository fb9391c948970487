import type { Reader } from '../primitives/reader.js';
import type { Writer } from '../primitives/writer.js';
import { decodeMessage, encodeMessage, isFlexibleVersion } from './schema/message-codec.js';
import type { MessageSchema, TaggedField } from './schema/types.js';
import { RequestHeaderSchema } from './schemas/request-header.js';
import { ResponseHeaderSchema } from './schemas/response-header.js';

/** Kafka's API key of ApiVersions, whose responses always use response header v0. */
export const API_VERSIONS_KEY = 18;

/** What a request header carries, in the names the frame functions use. */
export interface RequestHeaderFields {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  /** Kafka's clientId: an int16-length string even in flexible headers; null is allowed. */
  readonly clientId: string | null;
  /** Unknown tagged fields of a v2 header, re-emitted as given. */
  readonly headerTaggedFields?: readonly TaggedField[];
}

/**
 * Request header version for a request schema at `version`: 2 if the version is flexible, else 1 (v0 is
 * only for ControlledShutdown v0, which this codec does not speak). Versions outside validVersions are
 * answered too, so a frame at an unsupported version can still be parsed and answered.
 */
export function requestHeaderVersionOf(requestSchema: MessageSchema, version: number): 1 | 2 {
  return isFlexibleVersion(requestSchema, version) ? 2 : 1;
}

/** Response header version: 1 if flexible, else 0; ApiVersions responses are always v0 (KIP-511). */
export function responseHeaderVersionOf(responseSchema: MessageSchema, version: number): 0 | 1 {
  if (responseSchema.apiKey === API_VERSIONS_KEY) return 0;
  return isFlexibleVersion(responseSchema, version) ? 1 : 0;
}

export function writeRequestHeader(w: Writer, headerVersion: 1 | 2, h: RequestHeaderFields): void {
  const value: Record<string, unknown> = {
    requestApiKey: h.apiKey,
    requestApiVersion: h.apiVersion,
    correlationId: h.correlationId,
    clientId: h.clientId,
  };
  if (h.headerTaggedFields !== undefined) value._unknownTaggedFields = h.headerTaggedFields;
  encodeMessage(RequestHeaderSchema, headerVersion, value, w);
}

export function readRequestHeader(r: Reader, headerVersion: 1 | 2): RequestHeaderFields {
  const h = decodeMessage(RequestHeaderSchema, headerVersion, r);
  const out: {
    apiKey: number;
    apiVersion: number;
    correlationId: number;
    clientId: string | null;
    headerTaggedFields?: readonly TaggedField[];
  } = {
    apiKey: h.requestApiKey as number,
    apiVersion: h.requestApiVersion as number,
    correlationId: h.correlationId as number,
    clientId: h.clientId as string | null,
  };
  if (h._unknownTaggedFields !== undefined) out.headerTaggedFields = h._unknownTaggedFields as TaggedField[];
  return out;
}

export function writeResponseHeader(w: Writer, headerVersion: 0 | 1, correlationId: number): void {
  encodeMessage(ResponseHeaderSchema, headerVersion, { correlationId }, w);
}

export function readResponseHeader(r: Reader, headerVersion: 0 | 1): number {
  return decodeMessage(ResponseHeaderSchema, headerVersion, r).correlationId as number;
}
