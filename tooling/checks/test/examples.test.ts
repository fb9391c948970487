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

function runExample(name: string): Promise<Run> {
  const [command, ...args] = (script ?? '').split(/\s+/);
  expect(command).toBe('node');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...args, name],
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

  it('lost-response: written once with idempotence, twice without; possibly persisted on timeout', async () => {
    const run = await runExample('lost-response');
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
});
