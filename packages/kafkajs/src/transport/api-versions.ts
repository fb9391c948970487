// Which version of an API to speak to a broker, and how idem-encoded bodies ride in kafkajs's frames.
//
// kafkajs writes request header v1 (apiKey, apiVersion, correlationId, clientId) and hands back the response after
// its correlation id. That is exactly right for non-flexible versions. A flexible version needs request header v2,
// which is v1 followed by a tagged-field section, and answers with response header v1, which is the correlation id
// followed by one: so a body that starts with an empty tagged-field section (one 0x00 byte) turns kafkajs's header
// into a valid v2 header, and the response's section is skipped before decoding. Flexible versions are opt-in.
import { type ApiCodec, Reader } from '@idem/codec';
import type { ApiVersionRanges } from './kafkajs-internals.js';

// biome-ignore lint/suspicious/noExplicitAny: any codec, whatever its value types
type AnyCodec = ApiCodec<any, any, any, any>;

/** The versions the transport may choose: the highest one the broker, the codec and these limits all allow. */
export interface VersionLimits {
  /** Highest version to use. */
  readonly max: number;
  /** Whether flexible versions may be chosen. */
  readonly flexible: boolean;
}

/** Thrown (as a cause) when broker and transport share no version of an API. */
export class NoCommonVersionError extends Error {}

export function pickVersion(api: AnyCodec, broker: ApiVersionRanges | null, limits: VersionLimits): number {
  const range = broker?.[api.apiKey];
  if (!range)
    throw new NoCommonVersionError(
      `the broker does not list ${api.name} (apiKey ${api.apiKey}) in ApiVersions`,
    );
  const highest = Math.min(range.maxVersion, api.maxVersion, limits.max);
  const lowest = Math.max(range.minVersion, api.minVersion);
  for (let version = highest; version >= lowest; version--) {
    if (!api.isSupported(version)) continue;
    if (!limits.flexible && api.request.isFlexible(version)) continue;
    return version;
  }
  throw new NoCommonVersionError(
    `no ${api.name} version in common: broker ${range.minVersion}-${range.maxVersion}, codec ${api.minVersion}-${api.maxVersion}, limit ${limits.max}${limits.flexible ? '' : ' (non-flexible only)'}`,
  );
}

/** The request body as it must follow kafkajs's header v1 on the wire. */
export function encodeBody<Input>(
  api: ApiCodec<Input, unknown, unknown, unknown>,
  version: number,
  value: Input,
): Buffer {
  const body = api.request.encode(version, value);
  if (!api.request.isFlexible(version)) return body;
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = 0; // empty tagged-field section: the rest of request header v2
  body.copy(out, 1);
  return out;
}

/** Decodes a response payload as kafkajs hands it over (the bytes after the correlation id). */
export function decodeBody<Decoded>(
  api: ApiCodec<unknown, unknown, unknown, Decoded>,
  version: number,
  payload: Buffer,
): Decoded {
  if (api.response.headerVersion(version) === 0) return api.response.decode(version, payload);
  const reader = new Reader(payload);
  reader.context = `${api.name} v${version} response header`;
  const count = reader.uvarint('taggedFields.count');
  for (let i = 0; i < count; i++) {
    reader.uvarint(`taggedFields[${i}].tag`);
    reader.skip(reader.uvarint(`taggedFields[${i}].size`), `taggedFields[${i}].data`);
  }
  return api.response.decode(version, payload.subarray(reader.offset));
}
