/**
 * A one-line description of a request frame for log lines — API key, version, correlation id,
 * client id — read defensively, since the frame may be the garbage that got it logged.
 */
import { apiByKey } from '@idem/codec';

/** Request header v1/v2 start: size(4) apiKey(2) apiVersion(2) correlationId(4) clientId(2 + n). */
const CLIENT_ID_AT = 12;

export function describeFrame(frame: Uint8Array): string {
  const view = Buffer.from(frame.buffer, frame.byteOffset, frame.length);
  if (view.length < CLIENT_ID_AT) return `a ${view.length}-byte frame`;
  const apiKey = view.readInt16BE(4);
  const apiVersion = view.readInt16BE(6);
  const correlationId = view.readInt32BE(8);
  const name = apiByKey(apiKey)?.name ?? 'unknown API';
  let client = '';
  if (view.length >= CLIENT_ID_AT + 2) {
    const length = view.readInt16BE(CLIENT_ID_AT);
    if (length >= 0 && CLIENT_ID_AT + 2 + length <= view.length) {
      client = `, client '${view.toString('latin1', CLIENT_ID_AT + 2, CLIENT_ID_AT + 2 + Math.min(length, 64))}'`;
    }
  }
  return `API key ${apiKey} (${name}) v${apiVersion}, correlation id ${correlationId}${client}`;
}
