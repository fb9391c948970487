/**
 * The broker side of the wire: one size-prefixed request frame in, the response frame out, through
 * the codec. Kafka's rules for bad input apply: an unknown API, an unserved version (except
 * ApiVersions, answered UNSUPPORTED_VERSION as v0) or an undecodable request closes the connection.
 */
import {
  type AnyApiCodec,
  apis,
  decodeRequestFrame,
  encodeUnsupportedApiVersionsResponse,
  Reader,
} from '@idem/codec';
import type { ServedApi } from '../faults/match.js';
import { isServedVersion, SERVED_VERSIONS, servedApiByKey } from '../handlers/versions.js';

/** Submits a decoded request on the connection; `encode` turns its response object into the response frame. */
export type SubmitDecoded = (
  api: ServedApi,
  version: number,
  request: unknown,
  encode: (response: unknown) => Buffer,
  /** The request header's client id (null when the header has none). */
  clientId?: string | null,
) => Promise<Buffer | null>;

/** Raised (as a rejection) when Kafka would close the connection instead of answering. */
export class FrameRejectedError extends Error {
  readonly code = 'ERR_FRAME_REJECTED';

  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'FrameRejectedError';
  }
}

export function serveFrame(
  frame: Uint8Array,
  submit: SubmitDecoded,
  closeConnection: (reason: string) => void,
): Promise<Buffer | null> {
  const refuse = (message: string, cause?: unknown): Promise<never> => {
    closeConnection(message);
    return Promise.reject(new FrameRejectedError(message, { cause }));
  };

  let decoded: ReturnType<typeof decodeRequestFrame>;
  try {
    decoded = decodeRequestFrame(frame);
  } catch (error) {
    return refuse(`malformed request frame: ${(error as Error).message}`, error);
  }
  const { apiKey, apiVersion, correlationId } = decoded;
  const api = servedApiByKey(apiKey);
  if (api === undefined) return refuse(`API key ${apiKey} is not served`);

  if (!isServedVersion(api, apiVersion)) {
    if (api !== 'ApiVersions') return refuse(`${api} v${apiVersion} is not served`);
    // KIP-511: answer in v0 with UNSUPPORTED_VERSION, in order with the rest of the connection.
    const range = SERVED_VERSIONS.ApiVersions;
    return submit('ApiVersions', 0, { clientSoftwareName: '', clientSoftwareVersion: '' }, () =>
      encodeUnsupportedApiVersionsResponse(correlationId, { minVersion: range.min, maxVersion: range.max }),
    );
  }

  const codec = apis[api] as unknown as AnyApiCodec;
  let request: unknown;
  try {
    // Through a Reader, so bytes after the message are ignored as Kafka ignores them: librdkafka
    // 2.x sends Metadata v12 "all topics" requests with three trailing bytes.
    request = codec.request.decode(apiVersion, new Reader(decoded.body));
  } catch (error) {
    return refuse(`undecodable ${api} v${apiVersion} request: ${(error as Error).message}`, error);
  }
  return submit(
    api,
    apiVersion,
    request,
    (response) => codec.response.encodeFrame(apiVersion, correlationId, response as never),
    decoded.clientId ?? null,
  );
}
