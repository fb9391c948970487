#!/usr/bin/env node
// Waits until a Kafka broker answers a real Metadata request.
//
//   node wait-ready.mjs HOST:PORT [--timeout-ms 90000] [--pid PID] [--min-brokers N] [--quiet]
//
// Sends a hand-encoded Metadata v1 request (no dependencies) and accepts a
// well-formed response that lists at least one broker (--min-brokers: that many,
// so a cluster is ready only once every node has registered). Retries until the
// timeout. With --pid, gives up early as soon as that process is gone.
// Exit 0 = ready (prints "ready: <brokers>" to stderr unless --quiet), 1 = not.

import net from 'node:net';

const args = process.argv.slice(2);
let target = null;
let timeoutMs = 90_000;
let pid = null;
let quiet = false;
let minBrokers = 1;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--timeout-ms') timeoutMs = Number(args[++i]);
  else if (a === '--pid') pid = Number(args[++i]);
  else if (a === '--quiet') quiet = true;
  else if (a === '--min-brokers') minBrokers = Number(args[++i]);
  else if (!target) target = a;
  else {
    console.error(`wait-ready: unexpected argument ${a}`);
    process.exit(2);
  }
}
if (!target || !/^[^:]+:\d+$/.test(target) || !Number.isFinite(timeoutMs) || !(minBrokers >= 1)) {
  console.error('usage: wait-ready.mjs HOST:PORT [--timeout-ms N] [--pid PID] [--min-brokers N] [--quiet]');
  process.exit(2);
}
const [host, portStr] = target.split(':');
const port = Number(portStr);

const CLIENT_ID = 'idem-wait-ready';
const ATTEMPT_TIMEOUT_MS = 3_000;
const RETRY_DELAY_MS = 500;

/** Metadata (api key 3) v1 request asking for no topics: only the broker list. */
function encodeMetadataV1(correlationId) {
  const clientId = Buffer.from(CLIENT_ID, 'utf8');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4);
  let o = 0;
  o = body.writeInt16BE(3, o); // api_key = Metadata
  o = body.writeInt16BE(1, o); // api_version = 1
  o = body.writeInt32BE(correlationId, o);
  o = body.writeInt16BE(clientId.length, o);
  o += clientId.copy(body, o);
  o = body.writeInt32BE(0, o); // topics: empty array = no topics (v1+)
  const frame = Buffer.alloc(4);
  frame.writeInt32BE(body.length, 0);
  return Buffer.concat([frame, body]);
}

/** Strict reader: throws on any out-of-bounds read. */
class Reader {
  constructor(buf) {
    this.buf = buf;
    this.o = 0;
  }
  need(n) {
    if (n < 0 || this.o + n > this.buf.length) throw new Error('truncated response');
  }
  int8() {
    this.need(1);
    return this.buf.readInt8(this.o++);
  }
  int16() {
    this.need(2);
    const v = this.buf.readInt16BE(this.o);
    this.o += 2;
    return v;
  }
  int32() {
    this.need(4);
    const v = this.buf.readInt32BE(this.o);
    this.o += 4;
    return v;
  }
  nullableString() {
    const len = this.int16();
    if (len === -1) return null;
    this.need(len);
    const s = this.buf.toString('utf8', this.o, this.o + len);
    this.o += len;
    return s;
  }
  string() {
    const s = this.nullableString();
    if (s === null) throw new Error('unexpected null string');
    return s;
  }
  array(fn) {
    const n = this.int32();
    if (n === -1) return null;
    if (n < 0 || n > 100_000) throw new Error(`bad array length ${n}`);
    const out = [];
    for (let i = 0; i < n; i++) out.push(fn());
    return out;
  }
}

/** Parses a full Metadata v1 response payload (after the 4-byte size). */
function decodeMetadataV1(payload, expectedCorrelationId) {
  const r = new Reader(payload);
  const correlationId = r.int32();
  if (correlationId !== expectedCorrelationId) {
    throw new Error(`correlation id mismatch: ${correlationId} != ${expectedCorrelationId}`);
  }
  const brokers = r.array(() => ({
    nodeId: r.int32(),
    host: r.string(),
    port: r.int32(),
    rack: r.nullableString(),
  }));
  const controllerId = r.int32();
  const topics = r.array(() => ({
    errorCode: r.int16(),
    name: r.string(),
    isInternal: r.int8() !== 0,
    partitions: r.array(() => ({
      errorCode: r.int16(),
      partition: r.int32(),
      leader: r.int32(),
      replicas: r.array(() => r.int32()),
      isr: r.array(() => r.int32()),
    })),
  }));
  if (r.o !== payload.length) {
    throw new Error(`trailing bytes in response (${payload.length - r.o})`);
  }
  return { brokers: brokers ?? [], controllerId, topics: topics ?? [] };
}

function attempt(correlationId) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let chunks = [];
    let received = 0;
    const done = (err, value) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(() => done(new Error('attempt timed out')), ATTEMPT_TIMEOUT_MS);
    socket.on('connect', () => socket.write(encodeMetadataV1(correlationId)));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received < 4) return;
      const all = Buffer.concat(chunks, received);
      chunks = [all];
      const size = all.readInt32BE(0);
      if (size < 4 || size > 64 * 1024 * 1024) return done(new Error(`bad frame size ${size}`));
      if (all.length < 4 + size) return;
      try {
        done(null, decodeMetadataV1(all.subarray(4, 4 + size), correlationId));
      } catch (e) {
        done(e);
      }
    });
    socket.on('error', (e) => done(e));
    socket.on('close', () => done(new Error('connection closed before a full response')));
  });
}

function processAlive(p) {
  try {
    process.kill(p, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const deadline = Date.now() + timeoutMs;
let correlationId = 1;
let lastError = 'no attempt made';
while (Date.now() < deadline) {
  if (pid !== null && !processAlive(pid)) {
    console.error(`wait-ready: process ${pid} exited before ${target} became ready (${lastError})`);
    process.exit(1);
  }
  try {
    const md = await attempt(correlationId++);
    if (md.brokers.length >= minBrokers) {
      if (!quiet) {
        const list = md.brokers.map((b) => `${b.nodeId}@${b.host}:${b.port}`).join(',');
        console.error(`wait-ready: ${target} ready, brokers=${list} controller=${md.controllerId}`);
      }
      process.exit(0);
    }
    lastError = `metadata response listed ${md.brokers.length} of ${minBrokers} brokers`;
  } catch (e) {
    lastError = e.message || String(e);
  }
  await sleep(Math.min(RETRY_DELAY_MS, Math.max(0, deadline - Date.now())));
}
console.error(`wait-ready: ${target} not ready after ${timeoutMs} ms (last error: ${lastError})`);
process.exit(1);
