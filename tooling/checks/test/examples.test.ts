import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs each program of examples/ the way `pnpm example <name>` does (the root script's own command line, with
// this Node), bounded in time, and checks it exits 0 and prints the lines that carry its point.
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const LIMIT_MS = 30_000;

const script = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts.example;

interface Run {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runExample(name: string, ...extra: string[]): Promise<Run> {
  const [command, ...args] = (script ?? '').split(/\s+/);
  expect(command).toBe('node');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...args, name, ...extra],
      { cwd: root, timeout: LIMIT_MS, killSignal: 'SIGKILL', encoding: 'utf8' },
      (error, stdout, stderr) => {
        const failure = error as { code?: unknown; signal?: string | null } | null;
        resolve({
          code: failure === null ? 0 : typeof failure.code === 'number' ? failure.code : null,
          signal: failure?.signal ?? null,
          stdout,
          stderr,
        });
      },
    );
  });
}

function expectClean(run: Run): void {
  expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({
    code: 0,
    signal: null,
    stderr: '',
  });
}

describe('examples/', { timeout: LIMIT_MS + 5_000 }, () => {
  it('core-producer: offsets per record, a typed error, flush, state, close', async () => {
    const run = await runExample('core-producer');
    expectClean(run);
    expect(run.stdout).toMatch(/^send: key customer-42 -> orders\/\d at offset 0$/m);
    expect(run.stdout).toContain('send([a, b, c]): orders/0@1 orders/1@0 orders/0@2');
    expect(run.stdout).toContain(
      'typed error: InvalidRecordError ERR_INVALID_RECORD possiblyPersisted=false',
    );
    expect(run.stdout).toMatch(/^flush: 100\/100 settled; .* in send order: true$/m);
    expect(run.stdout).toMatch(/^state: producerId \d+ epoch 0; orders\/0 nextSequence \d+$/m);
    expect(run.stdout).toContain('close: status closed; a later send fails with ERR_PRODUCER_CLOSED');
  });

  it('kafkajs-drop-in: kafkajs answers over the TCP server, idem errors and state', async () => {
    const run = await runExample('kafkajs-drop-in');
    expectClean(run);
    expect(run.stdout).toMatch(
      /^broker: memory broker listening on 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/m,
    );
    expect(run.stdout).toContain('connect: isIdempotent() true');
    expect(run.stdout).toMatch(
      /^send: \[\{"topicName":"orders","partition":\d,"errorCode":0,"baseOffset":"0"/m,
    );
    expect(run.stdout).toContain('sendBatch: orders/1@0');
    expect(run.stdout).toContain('typed error: ERR_INVALID_RECORD possiblyPersisted=false');
    expect(run.stdout).toContain('orders/1 nextSequence 2');
    // Two messages keyed customer-42 on one partition, x and y on partition 1: four records in all.
    const ends = /^log end offsets: orders\/0=(\d+) orders\/1=(\d+) orders\/2=(\d+)$/m.exec(run.stdout);
    expect(ends).not.toBeNull();
    expect(ends!.slice(1).reduce((sum, n) => sum + Number(n), 0)).toBe(4);
  });

  it('retry-dedupe: written once with idempotence, twice without; possibly persisted on timeout', async () => {
    const run = await runExample('retry-dedupe');
    expectClean(run);
    expect(run.stdout).toContain('idempotent: broker appended the batch at offset 0, then lost the response');
    expect(run.stdout).toContain('idempotent: charge-1 acknowledged at offset 0, charge-2 at offset 1');
    expect(run.stdout).toContain('idempotent: log [0:charge-1, 1:charge-2], charge-1 written 1 time(s)');
    expect(run.stdout).toContain(
      'idempotence off: log [0:charge-1, 1:charge-1, 2:charge-2], charge-1 written 2 time(s)',
    );
    expect(run.stdout).toMatch(
      /^no answer: DeliveryTimeoutError ERR_DELIVERY_TIMEOUT after \d+ ms, possiblyPersisted=true$/m,
    );
    expect(run.stdout).toContain('no answer: log [0:entry-1]');
  });

  it('lost-response, the old name, still runs retry-dedupe', async () => {
    const run = await runExample('lost-response');
    expectClean(run);
    expect(run.stdout).toContain('idempotent: log [0:charge-1, 1:charge-2], charge-1 written 1 time(s)');
  });

  it('restart-new-pid: the resend of a new producer id is a second copy', async () => {
    const run = await runExample('restart-new-pid');
    expectClean(run);
    const before =
      /^before restart: PID (\d+) sent payment-17; outcome seen by the app: ERR_PRODUCER_CLOSED, possiblyPersisted=true$/m.exec(
        run.stdout,
      );
    const after = /^after restart: PID (\d+) resent payment-17, acked at offset 1$/m.exec(run.stdout);
    expect(before).not.toBeNull();
    expect(after).not.toBeNull();
    expect(before![1]).not.toBe(after![1]);
    expect(run.stdout).toContain(
      `log: [0:charge 40 EUR (PID ${before![1]}), 1:charge 40 EUR (PID ${after![1]})]`,
    );
    expect(run.stdout).toContain('outcome: payment-17 written 2 time(s), by 2 producer ids');
    expect(run.stdout).toMatch(/^prevent it: .*transactional\.id.*business id/m);
  });

  it('two-producers: the same record from two instances, two copies, two PIDs', async () => {
    const run = await runExample('two-producers');
    expectClean(run);
    const a = /^instance-a: PID (\d+) sequence 0, acked at offset (\d)$/m.exec(run.stdout);
    const b = /^instance-b: PID (\d+) sequence 0, acked at offset (\d)$/m.exec(run.stdout);
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(a![1]).not.toBe(b![1]);
    expect([a![2], b![2]].sort()).toEqual(['0', '1']);
    expect(run.stdout).toContain('outcome: order-42 written 2 time(s), PIDs differ: true');
  });

  it('consumer-reprocess: one copy in the log, processed twice naively, once with the fix', async () => {
    const run = await runExample('consumer-reprocess');
    expectClean(run);
    expect(run.stdout).toMatch(/^log: \[0:charge 25 EUR \(PID \d+\)\], payment-7 written 1 time\(s\)$/m);
    expect(run.stdout).toContain('naive: processed, crashed before committing; committed offset still 0');
    expect(run.stdout).toContain('card charged 2 time(s) [payment-7@0, payment-7@0]');
    expect(run.stdout).toContain(
      'fixed: processed twice (a crash before the commit), card charged 1 time(s); committed offset 1',
    );
  });

  it('graceful-shutdown: each pending send acked or failed with an honest possiblyPersisted', async () => {
    const run = await runExample('graceful-shutdown');
    expectClean(run);
    expect(run.stdout).toContain('SIGTERM: 4 sends pending; no longer accepting');
    expect(run.stdout).toContain('refused late: shutting down, not accepted');
    expect(run.stdout).toMatch(/^flush: ERR_FLUSH_TIMEOUT after 500 ms; closing with a bound$/m);
    expect(run.stdout).toContain('close: status closed');
    expect(run.stdout).toMatch(/^fate: a-1 acked at orders\/0 offset \d; in the log: true$/m);
    expect(run.stdout).toMatch(/^fate: a-2 acked at orders\/0 offset \d; in the log: true$/m);
    expect(run.stdout).toContain(
      'fate: b-1 failed ERR_PRODUCER_CLOSED, possiblyPersisted=true; in the log: true',
    );
    expect(run.stdout).toContain(
      'fate: b-2 failed ERR_PRODUCER_CLOSED, possiblyPersisted=false; in the log: false',
    );
    // No send that said "certainly not written" is in the log.
    for (const line of run.stdout.split('\n').filter((l) => l.includes('possiblyPersisted=false'))) {
      expect(line).toMatch(/in the log: false$/);
    }
  });

  it('a bad flag or name: error and exit 2', async () => {
    const flag = await runExample('two-producers', '--bogus');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^error: unknown argument "--bogus"$/m);
    const bootstrap = await runExample('two-producers', '--bootstrap', 'nohostport');
    expect(bootstrap.code).toBe(2);
    expect(bootstrap.stderr).toMatch(/^error: --bootstrap needs host:port/m);
    const embedded = await runExample('core-producer', '--bootstrap', '127.0.0.1:1');
    expect(embedded.code).toBe(2);
    expect(embedded.stderr).toContain('error: core-producer runs on the embedded memory broker only');
    const name = await runExample('no-such-example');
    expect(name.code).toBe(2);
    expect(name.stderr).toContain('error: no example "no-such-example"');
    expect(name.stdout).toBe('');
  });

  it('retry-dedupe with --bootstrap says why it is skipped and exits 0', async () => {
    const run = await runExample('retry-dedupe', '--bootstrap', '127.0.0.1:1');
    expectClean(run);
    expect(run.stdout).toMatch(/^skipped: retry-dedupe needs a lost response/m);
  });

  it('confluent-producer: per-record results through librdkafka, or a stated skip', async () => {
    const run = await runExample('confluent-producer');
    expectClean(run);
    if (run.stdout.startsWith('skipped: ')) {
      expect(run.stdout).toMatch(/^skipped: @confluentinc\/kafka-javascript does not load here \(.+\)$/m);
      return;
    }
    expect(run.stdout).toContain('send([paid, shipped, audit]): orders/0@0 orders/0@1 orders/1@0');
    expect(run.stdout).toContain('typed error: ERR_INVALID_RECORD possiblyPersisted=false');
    expect(run.stdout).toMatch(/^log: orders\/0 \[0:paid \(PID (\d+)\), 1:shipped \(PID \1\)\]$/m);
    expect(run.stdout).toMatch(/^log: orders\/1 \[0:audit \(PID \d+\)\]$/m);
  });

  it('minimal-adapter: the core producer over a raw TCP transport, two brokers, a typed error', async () => {
    const run = await runExample('minimal-adapter');
    expectClean(run);
    expect(run.stdout).toContain('send([a, b, c]): orders/0@0 orders/1@0 orders/0@1');
    expect(run.stdout).toContain('typed error: ERR_INVALID_RECORD possiblyPersisted=false');
    expect(run.stdout).toMatch(/^log: orders\/0 \[0:a \(PID (\d+)\), 1:c \(PID \1\)\]$/m);
    expect(run.stdout).toMatch(/^log: orders\/1 \[0:b \(PID \d+\)\]$/m);
  });
});
