import { Reader } from '../primitives/reader.js';
import { Writer } from '../primitives/writer.js';
import { frameReader, requireConsumed } from './frame-reader.js';
import {
  type RequestHeaderFields,
  readResponseHeader,
  requestHeaderVersionOf,
  responseHeaderVersionOf,
  writeRequestHeader,
  writeResponseHeader,
} from './headers.js';
import {
  decodeMessage,
  decodeWholeMessage,
  encodedSizeHint,
  encodeMessage,
  isFlexibleVersion,
  isValidVersion,
} from './schema/message-codec.js';
import type { MessageSchema } from './schema/types.js';
import { parseVersionRange } from './schema/versions.js';

/** Encoder and decoder of one message (an API's request or its response) at every valid version. */
export interface MessageCodec<Input, Decoded> {
  readonly schema: MessageSchema;
  /** Whether `version` uses compact encodings and tagged fields. */
  isFlexible(version: number): boolean;
  /** The message body alone (no size, no header) as a new Buffer. */
  encode(version: number, value: Input): Buffer;
  /** Appends the message body to `writer`. */
  encodeInto(writer: Writer, version: number, value: Input): void;
  /**
   * Decodes a body. Bytes must hold exactly one message (trailing bytes are an InvalidLengthError); a
   * Reader is read from its position and left just after the message. Byte fields are views of the input.
   */
  decode(version: number, input: Uint8Array | Reader): Decoded;
}

export interface RequestCodec<Input, Decoded> extends MessageCodec<Input, Decoded> {
  /** 2 for flexible versions, else 1. */
  headerVersion(version: number): 1 | 2;
  /** The complete size-prefixed request frame, header included, written in one pass. */
  encodeFrame(header: Omit<RequestHeaderFields, 'apiKey'>, value: Input): Buffer;
}

export interface ResponseCodec<Input, Decoded> extends MessageCodec<Input, Decoded> {
  /** 1 for flexible versions, else 0; always 0 for ApiVersions. */
  headerVersion(version: number): 0 | 1;
  /** The complete size-prefixed response frame, header included, written in one pass. */
  encodeFrame(version: number, correlationId: number, value: Input): Buffer;
  /** Decodes a size-prefixed response frame of this API at `version` (as sent by the request). */
  decodeFrame(version: number, frame: Uint8Array): { correlationId: number; body: Decoded };
}

/** One Kafka API: its key, its version range and the codecs of its request and response. */
export interface ApiCodec<RequestInput, Request, ResponseInput, Response> {
  readonly name: string;
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** Kafka 4.3.0 marks maxVersion as unstable; its brokers leave it out of ApiVersions by default. */
  readonly latestVersionUnstable: boolean;
  /** Whether this codec implements `version`: an integer in minVersion..maxVersion. */
  isSupported(version: number): boolean;
  readonly request: RequestCodec<RequestInput, Request>;
  readonly response: ResponseCodec<ResponseInput, Response>;
}

/** An ApiCodec whose value types are not known statically (lookup by API key). */
export type AnyApiCodec = ApiCodec<never, unknown, never, unknown>;

function decodeWith(schema: MessageSchema, version: number, input: Uint8Array | Reader): unknown {
  return input instanceof Reader
    ? decodeMessage(schema, version, input)
    : decodeWholeMessage(schema, version, input);
}

/** Size prefix placeholder, header and body in one writer, then the prefix patched: one copy of the body. */
function frame(hint: number, writeAll: (w: Writer) => void): Buffer {
  const w = new Writer(hint);
  const at = w.reserve(4);
  writeAll(w);
  w.setInt32At(at, w.length - 4);
  // The writer is private to this call, so its bytes can be handed out without copying.
  return w.view();
}

function messageCodec<Input, Decoded>(schema: MessageSchema): MessageCodec<Input, Decoded> {
  return {
    schema,
    isFlexible: (version) => isFlexibleVersion(schema, version),
    encode(version, value) {
      const w = new Writer(encodedSizeHint(schema, version, value));
      encodeMessage(schema, version, value, w);
      return w.view();
    },
    encodeInto(writer, version, value) {
      encodeMessage(schema, version, value, writer);
    },
    decode: (version, input) => decodeWith(schema, version, input) as Decoded,
  };
}

/** Builds the codec object of one API from its generated request and response tables. */
export function defineApi<RequestInput, Request, ResponseInput, Response>(
  name: string,
  requestSchema: MessageSchema,
  responseSchema: MessageSchema,
): ApiCodec<RequestInput, Request, ResponseInput, Response> {
  const apiKey = requestSchema.apiKey;
  if (apiKey === null) throw new Error(`${name}: a request schema needs an apiKey`);
  const range = parseVersionRange(requestSchema.validVersions);
  const request: RequestCodec<RequestInput, Request> = {
    ...messageCodec<RequestInput, Request>(requestSchema),
    headerVersion: (version) => requestHeaderVersionOf(requestSchema, version),
    encodeFrame(header, value) {
      const version = header.apiVersion;
      const headerVersion = requestHeaderVersionOf(requestSchema, version);
      const hint = 64 + (header.clientId?.length ?? 0) * 3 + encodedSizeHint(requestSchema, version, value);
      return frame(hint, (w) => {
        writeRequestHeader(w, headerVersion, { ...header, apiKey });
        encodeMessage(requestSchema, version, value, w);
      });
    },
  };
  const response: ResponseCodec<ResponseInput, Response> = {
    ...messageCodec<ResponseInput, Response>(responseSchema),
    headerVersion: (version) => responseHeaderVersionOf(responseSchema, version),
    encodeFrame(version, correlationId, value) {
      const headerVersion = responseHeaderVersionOf(responseSchema, version);
      return frame(16 + encodedSizeHint(responseSchema, version, value), (w) => {
        writeResponseHeader(w, headerVersion, correlationId);
        encodeMessage(responseSchema, version, value, w);
      });
    },
    decodeFrame(version, bytes) {
      const r = frameReader(bytes);
      const correlationId = readResponseHeader(r, responseHeaderVersionOf(responseSchema, version));
      const body = decodeMessage(responseSchema, version, r) as Response;
      requireConsumed(r, responseSchema.name);
      return { correlationId, body };
    },
  };
  return {
    name,
    apiKey,
    minVersion: range.lowest,
    maxVersion: range.highest,
    latestVersionUnstable: requestSchema.latestVersionUnstable === true,
    isSupported: (version) => isValidVersion(requestSchema, version),
    request,
    response,
  };
}
