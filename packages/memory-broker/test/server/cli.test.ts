/** The idem-broker command, run in-process with its stdout, signals and exit captured. */
import type { MetadataResponse } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { type CliIo, parseBrokerArgs, runCli, USAGE } from '../../src/server/cli-main.js';
import { RawClient } from './raw-client.js';

function fakeIo() {
  const out: string[] = [];
  const log: string[] = [];
  const signals = new Map<string, () => void>();
  let exited: (code: number) => void = () => {};
  const exit = new Promise<number>((resolve) => {
    exited = resolve;
  });
  const io: CliIo = {
    stdout: (text) => out.push(text),
    logger: { info: (m) => log.push(m), warn: (m) => log.push(m) },
    onSignal: (signal, handler) => signals.set(signal, handler),
    exit: (code) => exited(code),
  };
  return { io, out, log, signals, exit };
}

describe('idem-broker', () => {
  it('prints the bootstrap servers, serves the brokers and topics asked for, and stops cleanly on SIGTERM', async () => {
    const f = fakeIo();
    const server = await runCli(
      ['--port', '0', '--brokers', '3', '--partitions', '6', '--topic', 'orders:12'],
      f.io,
    );
    expect(f.out).toEqual([`${server!.bootstrapServers}\n`]);
    expect(f.out[0]).toMatch(/^127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+\n$/);
    const port = Number(f.out[0]!.split(',')[0]!.split(':')[1]);
    const c = await RawClient.connect(port);
    const meta = await c.request<MetadataResponse>('Metadata', 12, {
      topics: [{ name: 'orders' }, { name: 'auto' }],
      allowAutoTopicCreation: true,
    });
    expect(meta.brokers).toHaveLength(3);
    expect(meta.topics[0]!.partitions).toHaveLength(12);
    expect(server!.cluster.partitionCount('auto')).toBe(6);

    f.signals.get('SIGTERM')!();
    expect(await f.exit).toBe(0);
    expect(await c.closesWithin(2_000)).toBe(true);
    expect(f.log.at(-1)).toMatch(/SIGTERM/);
  });

  it('listens for SIGINT and SIGTERM before it prints its address, so a supervisor may stop it the moment it reads it', async () => {
    const f = fakeIo();
    const order: string[] = [];
    const io: CliIo = {
      ...f.io,
      stdout: (text) => {
        order.push(`stdout ${text.trim()}`);
        f.io.stdout(text);
      },
      onSignal: (signal, handler) => {
        order.push(`onSignal ${signal}`);
        f.io.onSignal(signal, handler);
      },
    };
    const server = await runCli(['--port', '0'], io);
    expect(order).toEqual(['onSignal SIGINT', 'onSignal SIGTERM', `stdout ${server!.bootstrapServers}`]);
    f.signals.get('SIGTERM')!();
    expect(await f.exit).toBe(0);
  });

  it('prints the usage for --help, and exits 2 with the usage for bad arguments', async () => {
    const help = fakeIo();
    await runCli(['--help'], help.io);
    expect(help.out).toEqual([USAGE]);
    for (const bad of [
      ['--brokers', '0'],
      ['--port', '-1'],
      ['--partitions', '2x'],
      ['--bogus'],
      ['--profile', '9.9'],
    ]) {
      const f = fakeIo();
      await runCli(bad, f.io);
      expect(await f.exit).toBe(2);
      expect(f.log[0]).toContain('Usage: idem-broker');
    }
  });

  it('parses every option', () => {
    expect(
      parseBrokerArgs([
        '--port',
        '19092',
        '--host',
        '0.0.0.0',
        '--advertised-host',
        'kafka.test',
        '--profile',
        '4.5+',
        '--no-auto-create',
        '--topic',
        'a',
        '--partitions',
        '3',
      ]),
    ).toEqual({
      brokers: 1,
      defaultPartitions: 3,
      autoCreateTopics: false,
      topics: { a: { partitions: 3 } },
      port: 19092,
      profile: '4.5+',
      host: '0.0.0.0',
      advertisedHost: 'kafka.test',
    });
  });
});
