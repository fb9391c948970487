/**
 * An independent walk over a message's bytes that lists where every length or count prefix sits. It
 * shares nothing with the decoder under test (plain Buffer reads, its own traversal of the table), so it
 * can tell whether the decoder checks each prefix, whatever Reader calls the decoder happens to make.
 * It only walks well-formed input (Kafka's golden bytes) and does not descend into tagged fields.
 */
import type { FieldSchema, MessageSchema } from '../../src/protocol/schema/types.js';
import { inVersions } from '../../src/protocol/schema/versions.js';

export type PrefixKind = 'int16' | 'int32' | 'uvarint';
export interface Prefix {
  readonly offset: number;
  readonly kind: PrefixKind;
}

const FIXED: Record<string, number> = {
  bool: 1,
  int8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  float64: 8,
  uuid: 16,
};

class Walker {
  at = 0;
  readonly prefixes: Prefix[] = [];
  constructor(
    readonly buf: Buffer,
    readonly version: number,
    readonly flexible: boolean,
  ) {}

  uvarint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (this.at >= this.buf.length) throw new Error(`prefix walker ran past the end at ${this.at}`);
      const b = this.buf[this.at++]!;
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
      shift += 7;
    }
  }

  /** Reads a length or count prefix, noting where it is; -1 means null. */
  prefix(kind: PrefixKind): number {
    this.prefixes.push({ offset: this.at, kind });
    if (kind === 'uvarint') return this.uvarint() - 1;
    const n = kind === 'int16' ? this.buf.readInt16BE(this.at) : this.buf.readInt32BE(this.at);
    this.at += kind === 'int16' ? 2 : 4;
    return n;
  }

  struct(fields: readonly FieldSchema[]): void {
    for (const f of fields) {
      if (!inVersions(f.versions, this.version)) continue;
      if (this.flexible && inVersions(f.taggedVersions, this.version)) continue;
      this.field(f);
    }
    if (this.flexible) {
      const count = this.uvarint();
      for (let i = 0; i < count; i++) {
        this.uvarint(); // tag
        const size = this.uvarint(); // read before `this.at +=` evaluates its left side
        this.at += size;
      }
    }
  }

  field(f: FieldSchema): void {
    if (f.type === 'struct') {
      if (inVersions(f.nullableVersions, this.version) && this.buf.readInt8(this.at++) < 0) return;
      this.struct(f.fields ?? []);
      return;
    }
    if (f.type.startsWith('[]')) {
      const n = this.prefix(this.flexible ? 'uvarint' : 'int32');
      const element = f.type.slice(2);
      for (let i = 0; i < n; i++) {
        if (element === 'struct') this.struct(f.fields ?? []);
        else this.scalar(element, this.flexible);
      }
      return;
    }
    const compact =
      f.flexibleVersions === undefined ? this.flexible : inVersions(f.flexibleVersions, this.version);
    this.scalar(f.type, compact);
  }

  scalar(type: string, compact: boolean): void {
    const fixed = FIXED[type];
    if (fixed !== undefined) {
      this.at += fixed;
      return;
    }
    const kind: PrefixKind = compact ? 'uvarint' : type === 'string' ? 'int16' : 'int32';
    const n = this.prefix(kind);
    if (n > 0) this.at += n;
  }
}

/** Every length/count prefix of the message's regular (untagged) fields, in byte order. */
export function lengthPrefixes(schema: MessageSchema, version: number, bytes: Buffer): Prefix[] {
  const w = new Walker(bytes, version, inVersions(schema.flexibleVersions, version));
  w.struct(schema.fields);
  if (w.at !== bytes.length) throw new Error(`prefix walker ended at ${w.at} of ${bytes.length} bytes`);
  return w.prefixes;
}
