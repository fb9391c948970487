import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Writer } from '../../src/primitives/writer.js';
import { decodeWholeMessage, encodeMessage } from '../../src/protocol/schema/message-codec.js';
import { ALL_SCHEMA_VERSIONS } from './all-schemas.js';
import { arbitraryMessage, fcParams } from './arbitrary-from-schema.js';

const RUNS = Number(process.env.IDEM_PROPERTY_RUNS ?? 25);

describe('decode(encode(x)) = x for arbitrary values of every message at every version', () => {
  test.each(ALL_SCHEMA_VERSIONS)('%s', (_label, schema, version) => {
    // One writer for all runs also checks that encoding appends cleanly after earlier messages.
    const w = new Writer(16);
    fc.assert(
      fc.property(arbitraryMessage(schema, version), (value) => {
        w.reset();
        w.int8(0x5a);
        encodeMessage(schema, version, value, w);
        const bytes = Buffer.from(w.view().subarray(1));
        expect(w.view()[0]).toBe(0x5a);
        expect(decodeWholeMessage(schema, version, bytes)).toStrictEqual(value);
      }),
      fcParams(RUNS),
    );
  });
});
