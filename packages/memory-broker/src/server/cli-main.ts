/**
 * What `idem-broker` does, with the process (stdout, signals, exit) passed in so tests can run it:
 * parse the arguments, start the cluster on TCP, print the bootstrap servers on stdout (one line,
 * nothing else), and on SIGINT or SIGTERM close every connection and exit 0.
 */
import { parseArgs } from 'node:util';
// The CLI's files import the broker by the package's name, as a user would: the CLI is built on its own
// (tsup.config.ts) with the package external, so dist/cli.js uses dist/index.js instead of a second copy.
import {
  BROKER_PROFILES,
  type BrokerProfile,
  type BrokerServerLogger,
  DEFAULT_PROFILE,
  MemoryBrokerServer,
} from '@idem/memory-broker';

export const USAGE = `Usage: idem-broker [options]

An in-memory Kafka cluster with Apache Kafka's idempotent-producer semantics, on TCP.

Options:
  --port <n>              port of broker 1; the others take the next ports (default 9092, 0 = any free)
  --brokers <n>           number of brokers (default 1)
  --partitions <n>        partitions of auto-created topics (default 1)
  --topic <name[:n]>      create a topic at start with n partitions (default --partitions); repeatable
  --host <address>        interface to bind (default 127.0.0.1)
  --advertised-host <h>   host name advertised to clients (default the bound host)
  --profile <p>           broker-version rules: ${BROKER_PROFILES.join(', ')} (default ${DEFAULT_PROFILE})
  --no-auto-create        refuse unknown topics instead of creating them
  -h, --help              show this help
`;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly logger: BrokerServerLogger;
  readonly onSignal: (signal: 'SIGINT' | 'SIGTERM', handler: () => void) => void;
  readonly exit: (code: number) => void;
}

export type StartOptions = NonNullable<Parameters<typeof MemoryBrokerServer.start>[0]>;

/** The server options an argument list asks for, or 'help'. Throws on anything invalid. */
export function parseBrokerArgs(argv: readonly string[]): StartOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      brokers: { type: 'string' },
      partitions: { type: 'string' },
      topic: { type: 'string', multiple: true },
      host: { type: 'string' },
      'advertised-host': { type: 'string' },
      profile: { type: 'string' },
      'no-auto-create': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) return 'help';
  const partitions = integer(values.partitions, '--partitions', 1, 1);
  const topics: Record<string, { partitions: number }> = {};
  for (const spec of values.topic ?? []) {
    const [name = '', count, ...rest] = spec.split(':');
    if (rest.length > 0) throw new Error(`--topic '${spec}': expected name or name:partitions`);
    topics[name] = { partitions: integer(count, `--topic ${name}`, partitions, 1) };
  }
  const profile = values.profile;
  if (profile !== undefined && !(BROKER_PROFILES as readonly string[]).includes(profile)) {
    throw new Error(`--profile must be one of ${BROKER_PROFILES.join(', ')}, got '${profile}'`);
  }
  return {
    brokers: integer(values.brokers, '--brokers', 1, 1),
    defaultPartitions: partitions,
    autoCreateTopics: values['no-auto-create'] !== true,
    topics,
    port: integer(values.port, '--port', 9092, 0),
    ...(profile === undefined ? {} : { profile: profile as BrokerProfile }),
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values['advertised-host'] === undefined ? {} : { advertisedHost: values['advertised-host'] }),
  };
}

function integer(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new Error(`${name} must be an integer of at least ${min}, got '${value}'`);
  }
  return n;
}

/** Runs the broker until a signal stops it. Resolves once it is listening (or after printing help). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<MemoryBrokerServer | undefined> {
  let options: StartOptions | 'help';
  try {
    options = parseBrokerArgs(argv);
  } catch (error) {
    io.logger.warn(`${(error as Error).message}\n\n${USAGE}`);
    io.exit(2);
    return undefined;
  }
  if (options === 'help') {
    io.stdout(USAGE);
    return undefined;
  }
  let server: MemoryBrokerServer;
  try {
    server = await MemoryBrokerServer.start({ ...options, logger: io.logger });
  } catch (error) {
    io.logger.warn(`could not start: ${(error as Error).message}`);
    io.exit(1);
    return undefined;
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    io.logger.info(`${signal}: closing every connection and shutting down`);
    server.close().then(
      () => io.exit(0),
      (error: unknown) => {
        io.logger.warn(`shutdown failed: ${(error as Error).message}`);
        io.exit(1);
      },
    );
  };
  // The handlers come before the address: a supervisor that reads the address and at once sends SIGTERM must
  // get a clean shutdown, not Node's default of dying by the signal.
  io.onSignal('SIGINT', () => stop('SIGINT'));
  io.onSignal('SIGTERM', () => stop('SIGTERM'));
  io.stdout(`${server.bootstrapServers}\n`);
  io.logger.info(
    `${server.addresses.length} broker(s) listening on ${server.bootstrapServers}; ` +
      `topics auto-created with ${options.defaultPartitions ?? 1} partition(s)`,
  );
  return server;
}
