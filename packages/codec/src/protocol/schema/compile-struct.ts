import { InvalidLengthError, InvalidValueError, UnsupportedVersionError } from '../../errors/codec-error.js';
import type { Reader } from '../../primitives/reader.js';
import type { Writer } from '../../primitives/writer.js';
import { defaultChecker, defaultFactory } from './defaults.js';
import { pathStack } from './field-path.js';
import {
  type Decode,
  describe,
  type Encode,
  invalidValue,
  scalarCodec,
  type ValueCodec,
} from './scalar-codecs.js';
import type { FieldSchema, ScalarType, TaggedField } from './types.js';
import { inVersions } from './versions.js';

type Obj = Record<string, unknown>;
type DecodeStep = (r: Reader, o: Obj) => void;
type EncodeStep = (w: Writer, o: Obj) => void;

interface TaggedMember {
  readonly tag: number;
  readonly name: string;
  readonly codec: ValueCodec;
  readonly isDefault: (v: unknown) => boolean;
  readonly makeDefault: () => unknown;
}

/** Segment pushed while reading or writing a tagged-field section's counts, tags and sizes. */
const TAGGED_SECTION = '_taggedFields';

/**
 * Compiles a struct's field list at one version into a decoder and an encoder made of one closure per
 * field: the table is walked here, once, and never again per message. `flexible` is the message's
 * flexibility at this version (compact lengths, and a tagged-field section at the end of every struct).
 */
export function compileStruct(
  fields: readonly FieldSchema[],
  version: number,
  flexible: boolean,
): ValueCodec {
  const decodeSteps: DecodeStep[] = [];
  const encodeSteps: EncodeStep[] = [];
  const tagged: TaggedMember[] = [];
  let minSize = flexible ? 1 : 0;

  for (const field of fields) {
    const name = field.name;
    const makeDefault = defaultFactory(field);
    const isDefault = defaultChecker(field);
    if (!inVersions(field.versions, version)) {
      // Not on the wire: decoded values still carry the field, holding its default.
      decodeSteps.push((_r, o) => {
        o[name] = makeDefault();
      });
      if (field.ignorable !== true) encodeSteps.push(rejectNonDefault(name, isDefault, version));
      continue;
    }
    const codec = fieldCodec(field, version, flexible);
    if (flexible && inVersions(field.taggedVersions, version)) {
      decodeSteps.push((_r, o) => {
        o[name] = makeDefault();
      });
      tagged.push({ tag: field.tag ?? -1, name, codec, isDefault, makeDefault });
      continue;
    }
    minSize += codec.minSize;
    decodeSteps.push(decodeField(name, codec.decode));
    encodeSteps.push(encodeField(name, codec.encode, makeDefault));
  }
  tagged.sort((a, b) => a.tag - b.tag);

  const steps = decodeSteps.length;
  const readTagged = flexible ? taggedSectionReader(tagged) : undefined;
  const decode: Decode = (r) => {
    const o: Obj = {};
    for (let i = 0; i < steps; i++) decodeSteps[i]!(r, o);
    if (readTagged !== undefined) readTagged(r, o);
    return o;
  };

  const writeTagged = flexible ? taggedSectionWriter(tagged) : undefined;
  const encode: Encode = (w, v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      invalidValue(w, `${describe(v)} is not a struct`);
    const o = v as Obj;
    for (let i = 0; i < encodeSteps.length; i++) encodeSteps[i]!(w, o);
    if (writeTagged !== undefined) writeTagged(w, o);
  };
  return { decode, encode, minSize };
}

function decodeField(name: string, read: Decode): DecodeStep {
  return (r, o) => {
    const s = pathStack;
    const d = s.depth;
    s.segments[d] = name;
    s.depth = d + 1;
    o[name] = read(r);
    s.depth = d;
  };
}

function encodeField(name: string, write: Encode, makeDefault: () => unknown): EncodeStep {
  return (w, o) => {
    const s = pathStack;
    const d = s.depth;
    s.segments[d] = name;
    s.depth = d + 1;
    const v = o[name];
    write(w, v === undefined ? makeDefault() : v);
    s.depth = d;
  };
}

/** Kafka refuses to drop a non-ignorable field's non-default value at a version without it; so do we. */
function rejectNonDefault(name: string, isDefault: (v: unknown) => boolean, version: number): EncodeStep {
  return (w, o) => {
    if (isDefault(o[name])) return;
    const s = pathStack;
    s.segments[s.depth++] = name;
    throw new UnsupportedVersionError(
      `a non-default value cannot be written at version ${version}, which does not have this field`,
      '',
      w.length,
    );
  };
}

/** The codec of one field's value at one version (array, struct or scalar), not counting tagging. */
function fieldCodec(field: FieldSchema, version: number, flexible: boolean): ValueCodec {
  const nullable = inVersions(field.nullableVersions, version);
  if (field.type === 'struct') {
    const struct = compileStruct(field.fields ?? [], version, flexible);
    return nullable ? nullableStruct(field.name, struct) : struct;
  }
  if (field.type.startsWith('[]')) {
    const element =
      field.type === '[]struct'
        ? compileStruct(field.fields ?? [], version, flexible)
        : scalarCodec(field.type.slice(2) as ScalarType, field.name, flexible, false);
    return arrayCodec(field.name, element, flexible, nullable);
  }
  // Only strings and bytes can opt out of compact encoding (RequestHeader.clientId stays int16-length).
  const compact =
    field.flexibleVersions === undefined ? flexible : inVersions(field.flexibleVersions, version);
  return scalarCodec(field.type as ScalarType, field.name, compact, nullable);
}

/** Kafka writes a nullable struct behind an int8 marker: -1 for null, 1 for present. */
function nullableStruct(leaf: string, struct: ValueCodec): ValueCodec {
  return {
    decode: (r) => (r.int8(leaf) < 0 ? null : struct.decode(r)),
    encode: (w, v) => {
      if (v === null) {
        w.int8(-1);
      } else {
        w.int8(1);
        struct.encode(w, v);
      }
    },
    minSize: 1,
  };
}

function arrayCodec(leaf: string, element: ValueCodec, compact: boolean, nullable: boolean): ValueCodec {
  const elementMin = element.minSize;
  const readElement = element.decode;
  const writeElement = element.encode;
  const decode: Decode = (r) => {
    const at = r.offset;
    // The Reader already refuses a count above the bytes left; elements of several bytes tighten that.
    const n = compact ? r.compactArrayLength(leaf) : r.arrayLength(leaf);
    if (n < 0) {
      if (nullable) return null;
      throw new InvalidValueError(
        r.message(leaf, `null array at offset ${at} where one is required`),
        leaf,
        at,
      );
    }
    if (n * elementMin > r.remaining) {
      throw new InvalidLengthError(
        r.message(
          leaf,
          `${n} elements of at least ${elementMin} bytes exceed the ${r.remaining} bytes left at offset ${at}`,
        ),
        leaf,
        at,
      );
    }
    const out: unknown[] = [];
    const s = pathStack;
    const d = s.depth;
    s.depth = d + 1;
    for (let i = 0; i < n; i++) {
      s.segments[d] = i;
      out.push(readElement(r));
    }
    s.depth = d;
    return out;
  };
  const encode: Encode = (w, v) => {
    if (v === null) {
      if (!nullable) invalidValue(w, 'null is not allowed for this array at this version');
      if (compact) w.int8(0);
      else w.int32(-1);
      return;
    }
    if (!Array.isArray(v)) invalidValue(w, `${describe(v)} is not an array`);
    const n = v.length;
    if (compact) w.uvarint(n + 1);
    else w.int32(n);
    const s = pathStack;
    const d = s.depth;
    s.depth = d + 1;
    for (let i = 0; i < n; i++) {
      s.segments[d] = i;
      writeElement(w, v[i]);
    }
    s.depth = d;
  };
  return { decode, encode, minSize: compact ? 1 : 4 };
}

/**
 * Reads a tagged-field section: known tags decode into their field (each within exactly the size the tag
 * declares), unknown ones are kept raw in `_unknownTaggedFields`. Kafka accepts tags in any order; so do we.
 */
function taggedSectionReader(tagged: readonly TaggedMember[]): (r: Reader, o: Obj) => void {
  const byTag = new Map(tagged.map((t) => [t.tag, t]));
  return (r, o) => {
    const s = pathStack;
    const d = s.depth;
    s.segments[d] = TAGGED_SECTION;
    s.depth = d + 1;
    const at = r.offset;
    const count = r.uvarint(TAGGED_SECTION);
    // Every tagged field takes at least two bytes (tag and size).
    if (count * 2 > r.remaining) {
      throw new InvalidLengthError(
        r.message(
          TAGGED_SECTION,
          `${count} tagged fields cannot fit in the ${r.remaining} bytes left at offset ${at}`,
        ),
        TAGGED_SECTION,
        at,
      );
    }
    for (let i = 0; i < count; i++) {
      const tag = r.uvarint(TAGGED_SECTION);
      const size = r.uvarint(TAGGED_SECTION);
      const member = byTag.get(tag);
      if (member === undefined) {
        const data = r.raw(size, TAGGED_SECTION);
        const unknown = o._unknownTaggedFields as TaggedField[] | undefined;
        if (unknown === undefined) o._unknownTaggedFields = [{ tag, data }];
        else unknown.push({ tag, data });
        continue;
      }
      s.segments[d] = member.name;
      const start = r.offset;
      const sub = r.sub(size, member.name);
      o[member.name] = member.codec.decode(sub);
      if (sub.remaining !== 0) {
        throw new InvalidLengthError(
          r.message(
            member.name,
            `tag ${tag} declares ${size} bytes at offset ${start} but its value took ${size - sub.remaining}`,
          ),
          member.name,
          start,
        );
      }
      s.segments[d] = TAGGED_SECTION;
    }
    s.depth = d;
  };
}

/** Bytes of the unsigned varint for `n` (a uint32). */
function uvarintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x20_0000 ? 3 : n < 0x1000_0000 ? 4 : 5;
}

/**
 * Writes `tag`, then the value prefixed by its byte size. The size is known only once the value is
 * written, so the value is written first and moved right by the size's varint length: no scratch buffer.
 */
function writeSized(w: Writer, tag: number, write: Encode, value: unknown): void {
  w.uvarint(tag);
  const start = w.length;
  write(w, value);
  const size = w.length - start;
  const prefix = uvarintSize(size);
  w.reserve(prefix);
  const bytes = w.view();
  bytes.copyWithin(start + prefix, start, start + size);
  let p = start;
  let n = size;
  while (n > 0x7f) {
    bytes[p++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  bytes[p] = n;
}

const writeRaw: Encode = (w, v) => {
  w.raw(v as Uint8Array);
};

/**
 * Writes a tagged-field section: known fields only when they differ from their default (as Kafka does),
 * merged in ascending tag order with the value's `_unknownTaggedFields`.
 */
function taggedSectionWriter(tagged: readonly TaggedMember[]): (w: Writer, o: Obj) => void {
  const knownTags = new Set(tagged.map((t) => t.tag));
  return (w, o) => {
    const s = pathStack;
    const d = s.depth;
    s.depth = d + 1;
    s.segments[d] = TAGGED_SECTION;
    let count = 0;
    for (const t of tagged) if (!t.isDefault(o[t.name])) count++;
    const unknown = sortedUnknown(w, o._unknownTaggedFields, knownTags);
    w.uvarint(count + unknown.length);
    let u = 0;
    for (const t of tagged) {
      const v = o[t.name];
      if (t.isDefault(v)) continue;
      while (u < unknown.length && unknown[u]!.tag < t.tag) {
        writeSized(w, unknown[u]!.tag, writeRaw, unknown[u]!.data);
        u++;
      }
      s.segments[d] = t.name;
      writeSized(w, t.tag, t.codec.encode, v);
      s.segments[d] = TAGGED_SECTION;
    }
    for (; u < unknown.length; u++) writeSized(w, unknown[u]!.tag, writeRaw, unknown[u]!.data);
    s.depth = d;
  };
}

const NO_TAGS: readonly TaggedField[] = [];

function sortedUnknown(w: Writer, raw: unknown, knownTags: ReadonlySet<number>): readonly TaggedField[] {
  if (raw === undefined || raw === null) return NO_TAGS;
  if (!Array.isArray(raw)) invalidValue(w, `_unknownTaggedFields: ${describe(raw)} is not an array`);
  if (raw.length === 0) return NO_TAGS;
  let sorted = true;
  for (let i = 0; i < raw.length; i++) {
    const f = raw[i] as Partial<TaggedField> | null;
    const tag = f?.tag;
    if (!Number.isInteger(tag) || (tag as number) < 0 || (tag as number) > 0xffff_ffff) {
      invalidValue(w, `_unknownTaggedFields[${i}].tag: ${describe(tag)} is not a uint32`);
    }
    if (!(f!.data instanceof Uint8Array))
      invalidValue(w, `_unknownTaggedFields[${i}].data is not a Uint8Array`);
    if (knownTags.has(tag as number))
      invalidValue(w, `_unknownTaggedFields[${i}]: tag ${tag} belongs to a known field`);
    if (i > 0 && (raw[i - 1] as TaggedField).tag > (tag as number)) sorted = false;
  }
  return sorted ? (raw as TaggedField[]) : [...(raw as TaggedField[])].sort((a, b) => a.tag - b.tag);
}
