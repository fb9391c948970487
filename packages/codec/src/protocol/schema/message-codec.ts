import { InvalidLengthError, UnsupportedVersionError } from '../../errors/codec-error.js';
import { Reader } from '../../primitives/reader.js';
import type { Writer } from '../../primitives/writer.js';
import { compileStruct } from './compile-struct.js';
import { pathStack, withFieldPath } from './field-path.js';
import type { ValueCodec } from './scalar-codecs.js';
import { estimateBlobBytes } from './size-hint.js';
import type { MessageSchema } from './types.js';
import { inVersions, parseVersionRange } from './versions.js';

interface CompiledMessage {
  readonly codec: ValueCodec;
  /** Error-message prefix, e.g. 'Produce v9 request'. */
  readonly context: string;
  /** Bytes of bytes/records fields in a value, to size a writer before encoding. */
  readonly blobBytes: (value: unknown) => number;
}

/** Compiled codecs per schema, indexed by version; built on first use of each (schema, version). */
const compiled = new WeakMap<MessageSchema, (CompiledMessage | undefined)[]>();

/** 'ProduceRequest' v9 → 'Produce v9 request'; headers keep their name: 'RequestHeader v2'. */
export function messageContext(schema: MessageSchema, version: number): string {
  if (schema.type === 'header') return `${schema.name} v${version}`;
  const suffix = schema.type === 'request' ? 'Request' : 'Response';
  const api = schema.name.endsWith(suffix) ? schema.name.slice(0, -suffix.length) : schema.name;
  return `${api} v${version} ${schema.type}`;
}

/** Whether `version` is an integer within the schema's validVersions (the unstable latest included). */
export function isValidVersion(schema: MessageSchema, version: number): boolean {
  return Number.isInteger(version) && inVersions(schema.validVersions, version);
}

/** Whether `version` uses compact encodings and tagged fields (also answers for versions out of range). */
export function isFlexibleVersion(schema: MessageSchema, version: number): boolean {
  return inVersions(schema.flexibleVersions, version);
}

function compiledFor(schema: MessageSchema, version: number): CompiledMessage {
  let byVersion = compiled.get(schema);
  const hit = byVersion?.[version];
  if (hit !== undefined) return hit;
  if (!isValidVersion(schema, version)) {
    const range = parseVersionRange(schema.validVersions);
    const context = schema.type === 'header' ? schema.name : messageContext(schema, version);
    throw new UnsupportedVersionError(
      `${context}: version ${version} is not supported (valid: ${range.lowest}-${range.highest})`,
      '',
      0,
    );
  }
  const flexible = isFlexibleVersion(schema, version);
  const entry: CompiledMessage = {
    codec: compileStruct(schema.fields, version, flexible),
    context: messageContext(schema, version),
    blobBytes: estimateBlobBytes(schema.fields, version),
  };
  if (byVersion === undefined) {
    byVersion = [];
    compiled.set(schema, byVersion);
  }
  byVersion[version] = entry;
  return entry;
}

/**
 * Appends the message body `value` at `version` to `writer`. Fields left undefined take their Kafka
 * defaults. Throws UnsupportedVersionError for a version outside the schema's validVersions, and a
 * CodecError naming the field path for a value the version cannot carry; the writer then holds a partial
 * message and should be reset.
 */
export function encodeMessage(schema: MessageSchema, version: number, value: unknown, writer: Writer): void {
  const c = compiledFor(schema, version);
  const base = pathStack.depth;
  try {
    c.codec.encode(writer, value);
  } catch (error) {
    throw withFieldPath(error, base, c.context);
  }
}

/**
 * Decodes one message body at `version` from `reader`, leaving the reader just past it. Every length is
 * checked against the bytes left before anything is allocated; errors are CodecErrors naming the field
 * path and byte offset, prefixed with e.g. 'Produce v9 response'. Byte fields are views into the input.
 */
export function decodeMessage(
  schema: MessageSchema,
  version: number,
  reader: Reader,
): Record<string, unknown> {
  const c = compiledFor(schema, version);
  const base = pathStack.depth;
  const outerContext = reader.context;
  reader.context = c.context;
  try {
    return c.codec.decode(reader) as Record<string, unknown>;
  } catch (error) {
    throw withFieldPath(error, base, c.context);
  } finally {
    reader.context = outerContext;
  }
}

/** Decodes a message that must fill `bytes` exactly: trailing bytes are an error, not ignored. */
export function decodeWholeMessage(
  schema: MessageSchema,
  version: number,
  bytes: Uint8Array,
): Record<string, unknown> {
  const reader = new Reader(bytes);
  const value = decodeMessage(schema, version, reader);
  if (reader.remaining !== 0) {
    const context = messageContext(schema, version);
    throw new InvalidLengthError(
      `${context}: ${reader.remaining} bytes left over after the message at offset ${reader.offset}`,
      '',
      reader.offset,
    );
  }
  return value;
}

/** A writer capacity for `value` that holds its bytes/records payloads plus room for the rest. */
export function encodedSizeHint(schema: MessageSchema, version: number, value: unknown): number {
  return 512 + compiledFor(schema, version).blobBytes(value);
}
