import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CodecError } from '../../src/errors/codec-error.js';
import { decodeWholeMessage } from '../../src/protocol/schema/message-codec.js';
import type { MessageSchema } from '../../src/protocol/schema/types.js';
import { ALL_SCHEMA_VERSIONS, ALL_SCHEMAS } from './all-schemas.js';
import { fcParams, fuzzRuns } from './arbitrary-from-schema.js';
import { goldenFiles, loadGolden } from './golden-fixtures.js';
import { lengthPrefixes, type PrefixKind } from './prefix-walker.js';

/** Decoding must end in a value or a CodecError; anything else (RangeError, TypeError, ...) is a bug. */
function decodesOrRejects(schema: MessageSchema, version: number, bytes: Uint8Array): 'value' | 'error' {
  try {
    decodeWholeMessage(schema, version, bytes);
    return 'value';
  } catch (error) {
    if (error instanceof CodecError) return 'error';
    throw new Error(
      `${schema.name} v${version} threw a non-CodecError on ${Buffer.from(bytes).toString('hex')}`,
      {
        cause: error,
      },
    );
  }
}

interface Fixture {
  readonly label: string;
  readonly schema: MessageSchema;
  readonly version: number;
  readonly bytes: Buffer;
}

const schemaByName = new Map(ALL_SCHEMAS.map((s) => [s.name, s]));
const fixtures: Fixture[] = goldenFiles().flatMap((file) =>
  loadGolden(file).map((c) => {
    const name = c.apiKey === null ? c.api : `${c.api}${c.kind === 'request' ? 'Request' : 'Response'}`;
    const schema = schemaByName.get(name);
    if (schema === undefined) throw new Error(`no schema for fixture ${name}`);
    return {
      label: `${name} v${c.version} ${c.name}`,
      schema,
      version: c.version,
      bytes: Buffer.from(c.hex, 'hex'),
    };
  }),
);

/**
 * Budget: IDEM_FUZZ_RUNS (default 3000; `pnpm fuzz` sets 200000) scales both parts. Random inputs per
 * message version: IDEM_FUZZ_RUNS / 100. Replacement values tried at every byte position of every fixture:
 * by default 0x00 (empty lengths and counts), 0xff (negative or huge lengths, varint continuations) and the
 * byte with its top bit flipped (sign bits, varint ends); from 100000 also every single-bit flip and +-1;
 * from 1000000 all 255 other values.
 */
const FUZZ = fuzzRuns(3000);
const RANDOM_RUNS = Math.max(1, Math.round(FUZZ / 100));

function mutationsOf(original: number): number[] {
  const values = [0x00, 0xff, original ^ 0x80];
  if (FUZZ >= 1_000_000) values.push(...Array.from({ length: 256 }, (_, i) => i));
  else if (FUZZ >= 100_000) {
    for (let bit = 0; bit < 8; bit++) values.push(original ^ (1 << bit));
    values.push((original + 1) & 0xff, (original - 1) & 0xff);
  }
  return [...new Set(values)].filter((b) => b !== original);
}

describe('hostile input', () => {
  test.each(ALL_SCHEMA_VERSIONS)('random bytes: %s', (_label, schema, version) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => {
        decodesOrRejects(schema, version, bytes);
      }),
      fcParams(RANDOM_RUNS),
    );
  });

  test.each(fixtures.map((f) => [f.label, f] as const))(
    'every truncation and byte mutation: %s',
    (_label, f) => {
      const { schema, version, bytes } = f;
      for (let n = 0; n < bytes.length; n++) {
        // A message cut short never decodes as a whole message: its end would have to be optional.
        expect(decodesOrRejects(schema, version, bytes.subarray(0, n)), `truncated to ${n}`).toBe('error');
      }
      const copy = Buffer.from(bytes);
      for (let i = 0; i < copy.length; i++) {
        const original = copy[i]!;
        for (const b of mutationsOf(original)) {
          copy[i] = b;
          decodesOrRejects(schema, version, copy);
        }
        copy[i] = original;
      }
    },
    // Large fixtures under a big IDEM_FUZZ_RUNS take a while; the default budget stays well under a second each.
    600_000,
  );
});

function uvarintLength(bytes: Uint8Array, at: number): number {
  let n = 1;
  while (bytes[at + n - 1]! & 0x80) n++;
  return n;
}

/** The bytes with the prefix at `offset` replaced by the largest length its encoding can say. */
function inflate(bytes: Buffer, offset: number, kind: PrefixKind): Buffer {
  if (kind === 'int16') {
    const out = Buffer.from(bytes);
    out.writeInt16BE(0x7fff, offset);
    return out;
  }
  if (kind === 'int32') {
    const out = Buffer.from(bytes);
    out.writeInt32BE(0x7fff_ffff, offset);
    return out;
  }
  // uvarint 0xffffffff (5 bytes) in place of the original varint: length or count 2^32 - 2.
  const huge = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]);
  return Buffer.concat([
    bytes.subarray(0, offset),
    huge,
    bytes.subarray(offset + uvarintLength(bytes, offset)),
  ]);
}

describe('length prefixes are never trusted', () => {
  // If a decoder believed a prefix (allocating for it, or reading elements until the input ran out), the
  // error would come later, from another field, or not be a length error at all: each inflated prefix
  // must be refused at that very prefix, before anything is read or allocated for it.
  test.each(fixtures.map((f) => [f.label, f] as const))('%s', (_label, f) => {
    for (const { offset, kind } of lengthPrefixes(f.schema, f.version, f.bytes)) {
      const hostile = inflate(f.bytes, offset, kind);
      let caught: unknown;
      try {
        decodeWholeMessage(f.schema, f.version, hostile);
      } catch (error) {
        caught = error;
      }
      expect(caught, `${kind} prefix at ${offset}`).toBeInstanceOf(CodecError);
      expect((caught as CodecError).code, `${kind} prefix at ${offset}`).toBe('ERR_INVALID_LENGTH');
      expect((caught as CodecError).offset, `${kind} prefix at ${offset}`).toBe(offset);
    }
  });
});
