import type { FieldSchema } from './types.js';
import { inVersions } from './versions.js';

type Measure = (value: unknown) => number;

const nothing: Measure = () => 0;

/** Per element of an array on the way to a payload: room for its index, lengths and small fields. */
const ELEMENT_OVERHEAD = 32;

function holdsBlob(field: FieldSchema): boolean {
  if (field.type === 'bytes' || field.type === 'records' || field.type === '[]bytes') return true;
  return (field.fields ?? []).some(holdsBlob);
}

/**
 * Compiles a function that adds up the byte length of every bytes/records field of a value at `version`,
 * walking only the branches of the table that lead to such fields. Encoders size their writer with it so
 * a produce request's record batches are copied once, not again each time the buffer doubles.
 */
export function estimateBlobBytes(fields: readonly FieldSchema[], version: number): Measure {
  const parts: [string, Measure][] = [];
  for (const field of fields) {
    if (!inVersions(field.versions, version) || !holdsBlob(field)) continue;
    parts.push([field.name, measureField(field, version)]);
  }
  if (parts.length === 0) return nothing;
  return (value) => {
    if (value === null || typeof value !== 'object') return 0;
    const o = value as Record<string, unknown>;
    let total = 0;
    for (const [name, measure] of parts) total += measure(o[name]);
    return total;
  };
}

function measureField(field: FieldSchema, version: number): Measure {
  if (field.type === 'bytes' || field.type === 'records') {
    return (v) => (v instanceof Uint8Array ? v.length + 5 : 0);
  }
  const inner: Measure =
    field.type === '[]bytes'
      ? (v) => (v instanceof Uint8Array ? v.length + 5 : 0)
      : estimateBlobBytes(field.fields ?? [], version);
  if (!field.type.startsWith('[]')) return inner;
  return (v) => {
    if (!Array.isArray(v)) return 0;
    let total = 0;
    for (const element of v) total += inner(element) + ELEMENT_OVERHEAD;
    return total;
  };
}
