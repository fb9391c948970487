// Which kafkajs connection failures no retry can fix (docs/design.md §"Connection errors no retry can fix"). The
// core gives these up at once with a typed ConnectionFailedError; anything else it keeps retrying, so a wrong
// password must be recognised here or it hides behind "gave up waiting for metadata" 60 s later.
//
// Only failures kafkajs raises itself reach this: idem decodes its own responses, so a Kafka error code in them
// is a field of the response, never a thrown KafkaJSProtocolError. What kafkajs throws on our behalf comes from
// opening a connection: the socket (TLS), ApiVersions, SaslHandshake, SaslAuthenticate, its own Metadata.
import type { FatalConnectionCause } from '@idem/core';

/** kafkajs's protocol error types (Kafka error names) that mean the credentials or mechanism are refused. */
const AUTHENTICATION_TYPES: ReadonlySet<string> = new Set([
  'SASL_AUTHENTICATION_FAILED', // 58
  'UNSUPPORTED_SASL_MECHANISM', // 33
]);

/** Refused to this principal during the connection's own requests (ApiVersions, kafkajs's Metadata). */
const AUTHORIZATION_TYPES: ReadonlySet<string> = new Set(['CLUSTER_AUTHORIZATION_FAILED']); // 31

/**
 * Node's certificate verification codes (X509_V_ERR_* without the prefix). OpenSSL's own failures come as
 * ERR_SSL_* and Node's as ERR_TLS_*; ERR_TLS_HANDSHAKE_TIMEOUT is left out on purpose: a slow broker recovers.
 */
const CERTIFICATE_CODES: ReadonlySet<string> = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'HOSTNAME_MISMATCH',
  'INVALID_CA',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/** kafkajs wraps (KafkaJSNumberOfRetriesExceeded, its SASL wrappers, our own TransportError): look this deep. */
const MAX_DEPTH = 8;

/** The cause when `error` (or an error it wraps) is a connection failure no retry can fix; otherwise null. */
export function fatalConnectionCauseOf(error: unknown): FatalConnectionCause | null {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_DEPTH && typeof current === 'object' && current !== null; depth++) {
    const cause = classify(current as ErrorFields);
    if (cause !== null) return cause;
    current = (current as ErrorFields).cause;
  }
  return null;
}

interface ErrorFields {
  readonly name?: unknown;
  readonly type?: unknown;
  readonly code?: unknown;
  readonly cause?: unknown;
}

function classify(error: ErrorFields): FatalConnectionCause | null {
  // Every SASL mechanism of kafkajs (PLAIN, SCRAM, OAUTHBEARER, AWS, custom) reports refusal with this class.
  if (error.name === 'KafkaJSSASLAuthenticationError') return 'authentication';
  if (typeof error.type === 'string') {
    if (AUTHENTICATION_TYPES.has(error.type)) return 'authentication';
    if (AUTHORIZATION_TYPES.has(error.type)) return 'authorization';
  }
  // kafkajs's KafkaJSConnectionError copies the socket error's code; TLS failures are told apart by it.
  if (typeof error.code === 'string' && isTlsCode(error.code)) return 'tls';
  return null;
}

function isTlsCode(code: string): boolean {
  if (code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return false;
  return code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || CERTIFICATE_CODES.has(code);
}
