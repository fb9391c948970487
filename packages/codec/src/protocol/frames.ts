import { InvalidValueError } from '../errors/codec-error.js';
import { Reader } from '../primitives/reader.js';
import { Writer } from '../primitives/writer.js';
import type { AnyApiCodec } from './api-codec.js';
import { apiByKey } from './api-registry.js';
import { KafkaErrorCode } from './error-codes.js';
import { frameReader } from './frame-reader.js';
import {
  API_VERSIONS_KEY,
  type RequestHeaderFields,
  readRequestHeader,
  readResponseHeader,
  requestHeaderVersionOf,
  responseHeaderVersionOf,
  writeRequestHeader,
  writeResponseHeader,
} from './headers.js';
import { encodeMessage } from './schema/message-codec.js';
import { parseVersionRange } from './schema/versions.js';
import { ApiVersionsResponseSchema } from './schemas/api-versions-response.js';

/**
 * Size-prefixed frames whose body is already encoded (or is decoded separately). For frames built from a
 * value in one pass, use `apis.<Api>.request.encodeFrame` / `apis.<Api>.response.encodeFrame`.
 */

function knownApi(apiKey: number, offset: number): AnyApiCodec {
  const api = apiByKey(apiKey);
  if (api === undefined) {
    throw new InvalidValueError(
      `frame: requestApiKey: API key ${apiKey} is not one this codec speaks`,
      'requestApiKey',
      offset,
    );
  }
  return api;
}

function frameOf(bodyLength: number, writeHeader: (w: Writer) => void, body: Uint8Array): Buffer {
  const w = new Writer(64 + bodyLength);
  const at = w.reserve(4);
  writeHeader(w);
  w.raw(body);
  w.setInt32At(at, w.length - 4);
  return w.view();
}

/** A request frame: int32 size, request header (v2 iff the request version is flexible, else v1), body. */
export function encodeRequestFrame(header: RequestHeaderFields, body: Uint8Array): Buffer {
  const api = knownApi(header.apiKey, 0);
  const headerVersion = requestHeaderVersionOf(api.request.schema, header.apiVersion);
  return frameOf(
    body.length + (header.clientId?.length ?? 0) * 3,
    (w) => writeRequestHeader(w, headerVersion, header),
    body,
  );
}

export interface DecodedRequestFrame extends RequestHeaderFields {
  readonly headerVersion: 1 | 2;
  readonly api: AnyApiCodec;
  /** Whether this codec can decode the body at apiVersion; if not, answer (ApiVersions) or close. */
  readonly supported: boolean;
  /** The body bytes, a view into the frame; decode with `api.request.decode(apiVersion, body)`. */
  readonly body: Buffer;
  /** Where the body starts in the frame (error offsets from decoding `body` are relative to it). */
  readonly bodyOffset: number;
}

/**
 * Parses a request frame's size and header for the broker side. The body is left undecoded so that a
 * request at a version this codec does not support can still be answered (ApiVersions) or refused. The
 * header layout follows the API's flexible versions even beyond its valid range, as Kafka does.
 */
export function decodeRequestFrame(frame: Uint8Array): DecodedRequestFrame {
  const r = frameReader(frame, 'request frame');
  const apiKey = r.int16('requestApiKey');
  const apiVersion = r.int16('requestApiVersion');
  const api = knownApi(apiKey, 4);
  r.offset = 4;
  const headerVersion = requestHeaderVersionOf(api.request.schema, apiVersion);
  const header = readRequestHeader(r, headerVersion);
  const bodyOffset = r.offset;
  const body = r.raw(r.remaining, 'body');
  return { ...header, headerVersion, api, supported: api.isSupported(apiVersion), body, bodyOffset };
}

/** A response frame: int32 size, response header (v0 for ApiVersions, else v1 iff flexible), body. */
export function encodeResponseFrame(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  body: Uint8Array,
): Buffer {
  const api = knownApi(apiKey, 0);
  const headerVersion = responseHeaderVersionOf(api.response.schema, apiVersion);
  return frameOf(body.length, (w) => writeResponseHeader(w, headerVersion, correlationId), body);
}

/** A response frame split into its header and body; the body is not decoded (see ResponseCodec.decode). */
export interface DecodedResponseFrame {
  readonly correlationId: number;
  readonly headerVersion: 0 | 1;
  /** Unknown tagged fields of a v1 response header are skipped; the body is a view into the frame. */
  readonly body: Buffer;
  /** Where the body starts in the frame (error offsets from decoding `body` are relative to it). */
  readonly bodyOffset: number;
}

/**
 * Parses a response frame for the request it answers (apiKey, apiVersion), which the client finds by
 * correlation id (peekCorrelationId) since the response does not name its API.
 */
export function decodeResponseFrame(
  frame: Uint8Array,
  apiKey: number,
  apiVersion: number,
): DecodedResponseFrame {
  const r = frameReader(frame, 'response frame');
  const api = knownApi(apiKey, 0);
  const headerVersion = responseHeaderVersionOf(api.response.schema, apiVersion);
  const correlationId = readResponseHeader(r, headerVersion);
  const bodyOffset = r.offset;
  return { correlationId, headerVersion, body: r.raw(r.remaining, 'body'), bodyOffset };
}

/** The correlation id of a response frame: the int32 right after the size, in every header version. */
export function peekCorrelationId(frame: Uint8Array): number {
  const r = new Reader(frame);
  r.context = 'response frame';
  r.skip(4, 'size');
  return r.int32('correlationId');
}

/**
 * The answer to an ApiVersions request at a version this side does not support: error UNSUPPORTED_VERSION
 * in an ApiVersions v0 body (header v0), listing only the ApiVersions range, as Kafka brokers do so that
 * any client can read it and retry with a version both support.
 */
export function encodeUnsupportedApiVersionsResponse(
  correlationId: number,
  supported: { readonly minVersion: number; readonly maxVersion: number } = defaultApiVersionsRange(),
): Buffer {
  const w = new Writer(32);
  const at = w.reserve(4);
  writeResponseHeader(w, 0, correlationId);
  encodeMessage(
    ApiVersionsResponseSchema,
    0,
    {
      errorCode: KafkaErrorCode.UNSUPPORTED_VERSION,
      apiKeys: [
        { apiKey: API_VERSIONS_KEY, minVersion: supported.minVersion, maxVersion: supported.maxVersion },
      ],
    },
    w,
  );
  w.setInt32At(at, w.length - 4);
  return w.view();
}

function defaultApiVersionsRange(): { minVersion: number; maxVersion: number } {
  const range = parseVersionRange(ApiVersionsResponseSchema.validVersions);
  return { minVersion: range.lowest, maxVersion: range.highest };
}
