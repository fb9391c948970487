import { CodecError } from '../../errors/codec-error.js';

/**
 * The path of the field being encoded or decoded, kept as a stack of names and indexes so that nothing is
 * built while all is well; only when a CodecError escapes is the path joined into `topicData[2].records`.
 * Encoding and decoding are synchronous, so one module-level stack serves every call; each top-level call
 * remembers the depth it started at, so even a nested call unwinds correctly.
 */
export const pathStack: { segments: (string | number)[]; depth: number } = { segments: [], depth: 0 };

/** Joins the segments from `base` up to the current depth: `topicData[2].partitionData[0].records`. */
export function currentPath(base: number): string {
  let out = '';
  const { segments, depth } = pathStack;
  for (let i = base; i < depth; i++) {
    const s = segments[i];
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out;
}

/**
 * Re-issues a CodecError thrown below `base` with the full field path and the message context
 * ('Produce v9 request'), keeping its class, code and offset. The primitives name only the leaf they read
 * ('records'); this turns that into `Produce v9 request: topicData[2].partitionData[0].records: ...`.
 */
export function withFieldPath(error: unknown, base: number, context: string): unknown {
  const path = currentPath(base);
  pathStack.depth = base;
  if (!(error instanceof CodecError)) return error;
  let detail = error.message;
  if (context !== '' && detail.startsWith(`${context}: `)) detail = detail.slice(context.length + 2);
  if (error.field !== '' && detail.startsWith(`${error.field}: `))
    detail = detail.slice(error.field.length + 2);
  const field = path === '' ? error.field : path;
  const message = field === '' ? `${context}: ${detail}` : `${context}: ${field}: ${detail}`;
  const Ctor = error.constructor as new (message: string, field: string, offset: number) => CodecError;
  // Subclasses with extra constructor parameters (CRC, compression) never come from message decoding;
  // for safety they are passed through unchanged.
  if (Ctor.length > 3) return error;
  // The new error's stack starts at the top-level encode/decode call, which is where callers look; the
  // original's is not touched (formatting a stack is far slower than decoding a message).
  return new Ctor(message, field, error.offset);
}
