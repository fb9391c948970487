/**
 * fast-check arbitraries built from a message table: any value the codec can hold at one version, in
 * the decoded shape (fields absent at the version hold their defaults, as decoding fills them in).
 */
import fc from 'fast-check';
import { defaultFactory } from '../../src/protocol/schema/defaults.js';
import type { FieldSchema, MessageSchema, ScalarType, TaggedField } from '../../src/protocol/schema/types.js';
import { inVersions } from '../../src/protocol/schema/versions.js';

/** Seed and run count for property and fuzz tests: fixed in CI, IDEM_SEED overrides. */
export function fcParams(numRuns: number): { seed: number; numRuns: number } {
  const seed = process.env.IDEM_SEED === undefined ? 0x1de4 : Number(process.env.IDEM_SEED);
  return { seed, numRuns };
}

/** IDEM_FUZZ_RUNS scales the hostile-input tests; the default keeps CI fast. */
export function fuzzRuns(fallback: number): number {
  const n = Number(process.env.IDEM_FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

const bytesArb = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b));

function scalarArb(type: ScalarType): fc.Arbitrary<unknown> {
  switch (type) {
    case 'bool':
      return fc.boolean();
    case 'int8':
      return fc.integer({ min: -0x80, max: 0x7f });
    case 'int16':
      return fc.integer({ min: -0x8000, max: 0x7fff });
    case 'uint16':
      return fc.integer({ min: 0, max: 0xffff });
    case 'int32':
      return fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
    case 'uint32':
      return fc.integer({ min: 0, max: 0xffff_ffff });
    case 'int64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'float64':
      return fc.double();
    case 'string':
      // Whole code points only: a lone surrogate cannot survive UTF-8.
      return fc.string({ unit: 'binary', maxLength: 12 });
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => {
        const h = Buffer.from(b).toString('hex');
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
      });
    case 'bytes':
    case 'records':
      return bytesArb;
  }
}

/** Unknown tagged fields: distinct tags no known field uses, ascending (as the encoder writes them). */
function unknownTagsArb(knownTags: ReadonlySet<number>): fc.Arbitrary<TaggedField[] | undefined> {
  const tag = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 0xffff_ffff }));
  return fc.option(
    fc
      .uniqueArray(
        tag.filter((t) => !knownTags.has(t)),
        { minLength: 1, maxLength: 3 },
      )
      .chain((tags) =>
        fc.tuple(...tags.sort((a, b) => a - b).map((t) => bytesArb.map((data) => ({ tag: t, data })))),
      ),
    { nil: undefined },
  );
}

function structArb(
  fields: readonly FieldSchema[],
  version: number,
  flexible: boolean,
  depth: number,
): fc.Arbitrary<Record<string, unknown>> {
  const members: Record<string, fc.Arbitrary<unknown>> = {};
  const knownTags = new Set<number>();
  for (const field of fields) {
    if (!inVersions(field.versions, version)) {
      const make = defaultFactory(field);
      members[field.name] = fc.constant(null).map(() => make());
      continue;
    }
    if (flexible && inVersions(field.taggedVersions, version) && field.tag !== undefined)
      knownTags.add(field.tag);
    members[field.name] = fieldArb(field, version, flexible, depth);
  }
  const base = fc.record(members, { noNullPrototype: true });
  if (!flexible) return base;
  return fc
    .tuple(base, unknownTagsArb(knownTags))
    .map(([o, unknown]) => (unknown === undefined ? o : { ...o, _unknownTaggedFields: unknown }));
}

function fieldArb(
  field: FieldSchema,
  version: number,
  flexible: boolean,
  depth: number,
): fc.Arbitrary<unknown> {
  const nullable = inVersions(field.nullableVersions, version);
  let arb: fc.Arbitrary<unknown>;
  if (field.type === 'struct') {
    arb = structArb(field.fields ?? [], version, flexible, depth + 1);
  } else if (field.type.startsWith('[]')) {
    const element =
      field.type === '[]struct'
        ? structArb(field.fields ?? [], version, flexible, depth + 1)
        : scalarArb(field.type.slice(2) as ScalarType);
    // Nested arrays shrink with depth so that values stay small.
    arb = fc.array(element, { maxLength: depth >= 2 ? 1 : 3 });
  } else {
    arb = scalarArb(field.type as ScalarType);
  }
  return nullable ? fc.option(arb, { nil: null, freq: 4 }) : arb;
}

/** Any value of `schema` at `version` (which must be valid). */
export function arbitraryMessage(
  schema: MessageSchema,
  version: number,
): fc.Arbitrary<Record<string, unknown>> {
  return structArb(schema.fields, version, inVersions(schema.flexibleVersions, version), 0);
}
