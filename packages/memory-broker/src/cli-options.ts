/**
 * idem-broker's command line, parsed with commander like the repo's other CLIs (apps/bench): `--help`
 * lists every flag with its default, `--version` prints the package version, and bad input is one line
 * `error: <what is wrong> (<what to do>)` on stderr with exit code 2 and no stack trace.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { BROKER_PROFILES, type BrokerProfile, DEFAULT_PROFILE } from '@idem/memory-broker';
import type { StartOptions } from './server/cli-main.js';

const HELP_HINT = 'see idem-broker --help';
const MAX_PORT = 65_535;

/** Bad input found after commander parsed the flags (values that only make sense together). */
export class UsageError extends Error {}

export type ParsedCommandLine =
  | { readonly kind: 'run'; readonly options: StartOptions }
  | { readonly kind: 'exit'; readonly code: number };

export interface CommandLineIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * Parses argv (without node and the script). Help and version are printed and give exit 0; bad input
 * is printed as one `error:` line and gives exit 2.
 */
export function parseCommandLine(
  argv: readonly string[],
  version: string,
  io: CommandLineIo,
): ParsedCommandLine {
  const program = brokerProgram(version, io);
  try {
    program.parse([...argv], { from: 'user' });
    return { kind: 'run', options: startOptions(program.opts<RawOptions>()) };
  } catch (error) {
    if (error instanceof CommanderError) return { kind: 'exit', code: error.exitCode === 0 ? 0 : 2 };
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n`);
      return { kind: 'exit', code: 2 };
    }
    throw error;
  }
}

/** The same options as the argument list `runCli` (server/cli-main.ts) takes. */
export function toArgv(options: StartOptions): string[] {
  const argv = [
    '--port',
    String(options.port ?? 0),
    '--brokers',
    String(options.brokers ?? 1),
    '--partitions',
    String(options.defaultPartitions ?? 1),
  ];
  for (const [name, topic] of Object.entries(options.topics ?? {})) {
    argv.push('--topic', `${name}:${topic.partitions}`);
  }
  if (options.host !== undefined) argv.push('--host', options.host);
  if (options.advertisedHost !== undefined) argv.push('--advertised-host', options.advertisedHost);
  if (options.profile !== undefined) argv.push('--profile', options.profile);
  if (options.autoCreateTopics === false) argv.push('--no-auto-create');
  return argv;
}

interface RawOptions {
  readonly port: number;
  readonly brokers: number;
  readonly partitions: number;
  readonly topic: readonly TopicSpec[];
  readonly host: string;
  readonly advertisedHost?: string;
  readonly profile: BrokerProfile;
  readonly autoCreate: boolean;
}

interface TopicSpec {
  readonly name: string;
  readonly partitions: number | undefined;
}

function brokerProgram(version: string, io: CommandLineIo): Command {
  return new Command('idem-broker')
    .description("An in-memory Kafka cluster with Apache Kafka's idempotent-producer semantics, on TCP.")
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .option(
      '--port <n>',
      'port of broker 1; the others take the next ports (0 = any free ports)',
      integer(0, MAX_PORT),
      9092,
    )
    .option('--brokers <n>', 'number of brokers', integer(1), 1)
    .option('--partitions <n>', 'partitions of auto-created topics', integer(1), 1)
    .addOption(
      new Option(
        '--topic <name[:n]>',
        'create a topic at start with n partitions (n defaults to --partitions); repeatable',
      )
        .argParser(topicSpec)
        .default([] as TopicSpec[], 'none'),
    )
    .option('--host <address>', 'interface to bind', '127.0.0.1')
    .option('--advertised-host <h>', 'host name advertised to clients (default: the bound host)')
    .addOption(
      new Option('--profile <p>', 'broker-version rules').choices(BROKER_PROFILES).default(DEFAULT_PROFILE),
    )
    .option('--no-auto-create', 'refuse unknown topics instead of creating them (default: create them)')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => write(oneLine(text, HELP_HINT)),
    });
}

function startOptions(raw: RawOptions): StartOptions {
  if (raw.port !== 0 && raw.port + raw.brokers - 1 > MAX_PORT) {
    throw new UsageError(
      `--port ${raw.port} with --brokers ${raw.brokers} needs ports ${raw.port}-${raw.port + raw.brokers - 1}, past ${MAX_PORT} (give a --port of at most ${MAX_PORT - raw.brokers + 1}, or 0 for free ports)`,
    );
  }
  const topics: Record<string, { partitions: number }> = {};
  for (const spec of raw.topic) {
    if (Object.hasOwn(topics, spec.name)) {
      throw new UsageError(`--topic ${spec.name} is given twice (give each topic once)`);
    }
    topics[spec.name] = { partitions: spec.partitions ?? raw.partitions };
  }
  return {
    brokers: raw.brokers,
    defaultPartitions: raw.partitions,
    autoCreateTopics: raw.autoCreate,
    topics,
    port: raw.port,
    ...(raw.profile === DEFAULT_PROFILE ? {} : { profile: raw.profile }),
    host: raw.host,
    ...(raw.advertisedHost === undefined ? {} : { advertisedHost: raw.advertisedHost }),
  };
}

function integer(min: number, max?: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
      throw new InvalidArgumentError(
        max === undefined ? `give an integer of at least ${min}` : `give an integer from ${min} to ${max}`,
      );
    }
    return n;
  };
}

function topicSpec(value: string, previous: TopicSpec[]): TopicSpec[] {
  const [name = '', count, ...rest] = value.split(':');
  const partitions = count === undefined ? undefined : Number(count);
  if (
    name === '' ||
    rest.length > 0 ||
    (partitions !== undefined &&
      (!/^\d+$/.test(count!) || !Number.isSafeInteger(partitions) || partitions < 1))
  ) {
    throw new InvalidArgumentError('give name or name:partitions, partitions at least 1');
  }
  return [...previous, { name, partitions }];
}

/**
 * Commander's messages as one line `error: <what is wrong> (<what to do>)`: "… is invalid. Give …"
 * becomes "… is invalid (give …)", its "(Did you mean …?)" stays the hint, anything else gets `hint`.
 */
export function oneLine(text: string, hint: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const line = flat.startsWith('error:') ? flat : `error: ${flat}`;
  const invalid = /^(.*? is invalid)\. (.*?)\.?$/.exec(line);
  if (invalid) return `${invalid[1]} (${lowerFirst(invalid[2]!)})\n`;
  const suggestion = /^(.*?) \((Did you mean .*?)\)$/.exec(line);
  if (suggestion) return `${suggestion[1]} (${lowerFirst(suggestion[2]!)})\n`;
  return `${line.replace(/\.$/, '')} (${hint})\n`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
