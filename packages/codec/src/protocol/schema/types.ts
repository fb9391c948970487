/**
 * The data form of a Kafka protocol message: one table per message, as in Kafka's own JSON specs, which
 * encodeMessage/decodeMessage interpret. Tables under ../schemas are generated from Kafka's specs; a
 * hand-written table follows the same rules.
 *
 * Version ranges use Kafka's notation: 'none', '3' (only 3), '3+' (3 and later), '0-12' (inclusive).
 */

/** Wire types a field can have on its own or as the element of an array. */
export type ScalarType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid';

/** A scalar, an array of scalars ('[]int32'), a nested struct, or an array of structs. */
export type FieldType = ScalarType | `[]${ScalarType}` | 'struct' | '[]struct';

/** An explicit Kafka default; fields without one default to 0, false, '', the zero UUID, empty or null. */
export type FieldDefault = number | bigint | boolean | string | null;

/** One field of a message or struct, as in Kafka's JSON specs (`about`, `mapKey` and other hints dropped). */
export interface FieldSchema {
  /** camelCase, as Kafka's JSON converter spells it (Kafka's `TopicData` → `topicData`). */
  readonly name: string;
  readonly type: FieldType;
  /** Versions in which the field is on the wire. */
  readonly versions: string;
  /** Versions in which null is allowed (strings, bytes, records, arrays, structs). */
  readonly nullableVersions?: string;
  /** Versions in which the field travels in the tagged-field section instead of in order. */
  readonly taggedVersions?: string;
  readonly tag?: number;
  /** Overrides the message's flexibleVersions for this string/bytes field (RequestHeader.clientId: 'none'). */
  readonly flexibleVersions?: string;
  readonly default?: FieldDefault;
  /** A non-default value may be dropped silently when encoding a version without the field. */
  readonly ignorable?: boolean;
  /** Members of a 'struct' or '[]struct' field. */
  readonly fields?: readonly FieldSchema[];
}

/** One message (a request, a response or a header) with its version ranges and fields in wire order. */
export interface MessageSchema {
  /** Kafka's message name, e.g. 'ProduceRequest' or 'RequestHeader'. */
  readonly name: string;
  /** Kafka API key; null for headers. */
  readonly apiKey: number | null;
  readonly type: 'request' | 'response' | 'header';
  readonly validVersions: string;
  /** Versions using compact lengths and tagged-field sections. */
  readonly flexibleVersions: string;
  /** Kafka marks the newest version as still under development (brokers do not advertise it by default). */
  readonly latestVersionUnstable?: boolean;
  readonly fields: readonly FieldSchema[];
}

/** A tagged field the schema does not define, kept as raw bytes so a re-encode emits it unchanged. */
export interface TaggedField {
  readonly tag: number;
  readonly data: Uint8Array;
}
