/**
 * Hostile frames for one API: the valid request cut short at every byte and with each length prefix
 * made far too large must be refused with a typed codec error naming a field (the connection closes),
 * never crash the broker or leave the request hanging.
 */
import { type AnyApiCodec, apis, CodecError } from '@idem/codec';
import { expect } from 'vitest';
import type { MemoryCluster } from '../../src/cluster/memory-cluster.js';
import { FrameRejectedError } from '../../src/wire/frames.js';

let connections = 0;

export function requestFrame(api: keyof typeof apis, version: number, body: unknown): Buffer {
  return Buffer.from(
    (apis[api] as unknown as AnyApiCodec).request.encodeFrame(
      { apiVersion: version, correlationId: 7, clientId: 'hostile' },
      body as never,
    ),
  );
}

/** Every truncation of the body, and every int16/int32/varint position overwritten with a huge length. */
export async function expectHostileFramesRefused(
  cluster: MemoryCluster,
  api: keyof typeof apis,
  version: number,
  body: unknown,
): Promise<string[]> {
  const frame = requestFrame(api, version, body);
  const headerEnd = 4 + 2 + 2 + 4 + 2 + 'hostile'.length + (isFlexible(api, version) ? 1 : 0);
  const fields = new Set<string>();
  const variants: Buffer[] = [];
  for (let cut = headerEnd; cut < frame.length; cut++) {
    const short = Buffer.from(frame.subarray(0, cut));
    short.writeInt32BE(cut - 4, 0);
    variants.push(short);
  }
  for (let at = headerEnd; at < frame.length; at++) {
    // Oversized: a length of 0x7fffff.. (int32/int16) or a varint that claims ~2^28 elements.
    const big = Buffer.from(frame);
    big.fill(0x7f, at, Math.min(at + 2, big.length));
    variants.push(big);
    const varint = Buffer.from(frame);
    varint.fill(0xff, at, Math.min(at + 3, varint.length));
    if (at + 3 < varint.length) varint[at + 3] = 0x7f;
    variants.push(varint);
  }
  let refused = 0;
  for (const v of variants) {
    const connection = `hostile-${++connections}`;
    const outcome = await Promise.race([
      cluster.handleFrame(1, connection, v).then(
        () => 'answered' as const,
        (error: unknown) => error,
      ),
      new Promise((resolve) => setTimeout(() => resolve('hung'), 2000)),
    ]);
    expect(outcome).not.toBe('hung');
    if (outcome === 'answered') continue; // a mutation can leave a valid request
    expect(outcome).toBeInstanceOf(FrameRejectedError);
    const cause = (outcome as FrameRejectedError).cause;
    expect(cause).toBeInstanceOf(CodecError);
    expect((cause as CodecError).field).not.toBe('');
    fields.add((cause as CodecError).field);
    refused++;
  }
  // Every truncation is refused.
  expect(refused).toBeGreaterThanOrEqual(frame.length - headerEnd);
  return [...fields];
}

function isFlexible(api: keyof typeof apis, version: number): boolean {
  const spec = (apis[api] as unknown as AnyApiCodec).request.schema.flexibleVersions;
  const m = /^(\d+)\+$/.exec(spec);
  return m !== null && version >= Number(m[1]);
}
