import type { FieldSchema, ScalarType } from './types.js';

/** Kafka's Uuid.ZERO_UUID, the default of every uuid field. */
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/** Shared empty byte string: zero-length, so sharing it cannot leak writes between values. */
const EMPTY_BYTES = Buffer.alloc(0);

function scalarDefault(type: ScalarType): unknown {
  switch (type) {
    case 'bool':
      return false;
    case 'int64':
      return 0n;
    case 'string':
      return '';
    case 'uuid':
      return ZERO_UUID;
    case 'bytes':
      return EMPTY_BYTES;
    case 'records':
      // Kafka's generated classes leave records null until set.
      return null;
    default:
      return 0;
  }
}

/**
 * Makes the field's default value, as Kafka's generated classes do: the explicit `default` when given,
 * else 0 / false / '' / zero UUID / empty bytes / null records / empty array / a struct of defaults.
 * Arrays and structs are fresh on every call so decoded values never share mutable state.
 */
export function defaultFactory(field: FieldSchema): () => unknown {
  if (field.default === null) return () => null;
  if (field.type === '[]struct' || field.type.startsWith('[]')) return () => [];
  if (field.type === 'struct') {
    const members = (field.fields ?? []).map((f) => [f.name, defaultFactory(f)] as const);
    return () => {
      const o: Record<string, unknown> = {};
      for (const [name, make] of members) o[name] = make();
      return o;
    };
  }
  const value = field.default !== undefined ? field.default : scalarDefault(field.type as ScalarType);
  return () => value;
}

/**
 * Whether a value equals the field's default the way Kafka's generated code decides it: that is what keeps
 * a tagged field off the wire, and what may be dropped silently at a version without the field. Undefined
 * counts as the default. Structs compare every member at every version, as Kafka's equals() does.
 */
export function defaultChecker(field: FieldSchema): (v: unknown) => boolean {
  if (field.default === null) return (v) => v === null || v === undefined;
  if (field.type.startsWith('[]')) return (v) => v === undefined || (Array.isArray(v) && v.length === 0);
  if (field.type === 'struct') {
    const members = (field.fields ?? []).map((f) => [f.name, defaultChecker(f)] as const);
    return (v) => {
      if (v === undefined) return true;
      if (v === null || typeof v !== 'object') return false;
      const o = v as Record<string, unknown>;
      const unknown = o._unknownTaggedFields;
      if (Array.isArray(unknown) && unknown.length > 0) return false;
      for (const [name, isDefault] of members) if (!isDefault(o[name])) return false;
      return true;
    };
  }
  switch (field.type) {
    case 'bytes':
    case 'records': {
      if (defaultFactory(field)() === null) return (v) => v === null || v === undefined;
      return (v) => v === undefined || (v instanceof Uint8Array && v.length === 0);
    }
    default: {
      const d = defaultFactory(field)();
      // Object.is like Java's Double.compare: -0 differs from 0, NaN equals NaN.
      return (v) => v === undefined || Object.is(v, d);
    }
  }
}
