#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { CHAOS_BROKERS, CHAOS_CLIENTS, type ChaosBroker, SCENARIO_NAMES } from './chaos/matrix.js';
import { pnpmBannerNote } from './pnpm-banner.js';
import { runBrokerSuite } from './suites/broker.js';
import { runAllSuite, runChaosSuite } from './suites/chaos.js';
import { runCodecSuite } from './suites/codec.js';
import { runComparisonSuite } from './suites/comparison.js';
import { runCoreSuite } from './suites/core.js';
import { runDemo } from './suites/demo.js';
import { runThroughputSuite } from './suites/throughput.js';
import {
  CLOSED_LOOP_DEFAULT,
  OPEN_LOOP_CLIENTS,
  runOpenLoopCommand,
} from './throughput/open-loop-command.js';
import { UsageError } from './usage-error.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const program = new Command('idem-bench')
  .description(
    'idem benchmarks and demonstrations; every suite compares implementations side by side in one run',
  )
  .version(VERSION)
  .exitOverride()
  .configureOutput({
    outputError: (text, write) => write(text.startsWith('error:') ? text : `error: ${text}`),
  });

program
  .command('codec')
  .description('RecordBatch v2 encode/decode and CRC-32C: idem vs kafkajs vs @platformatic/kafka')
  .option('--quick', 'short samples (for CI smoke runs)', false)
  .option('--json', 'one JSON object per result line on stdout', false)
  .action(async (opts: { quick: boolean; json: boolean }) => {
    await runCodecSuite({ quick: opts.quick, json: opts.json });
  });

program
  .command('broker')
  .description(
    'memory broker: in-process idempotent appends/s, memory per producer-partition, TCP records/s with kafkajs and librdkafka',
  )
  .option('--quick', 'fewer cases and records (for CI smoke runs)', false)
  .option('--json', 'one JSON object per result line on stdout', false)
  .action(async (opts: { quick: boolean; json: boolean }) => {
    await runBrokerSuite({ quick: opts.quick, json: opts.json });
  });

program
  .command('throughput')
  .description(
    'producer records/s and send→ack latency, 100 B records: idem-kafkajs vs kafkajs (idempotent and not) vs librdkafka (idempotent)',
  )
  .option('--broker <kind>', 'kafka (KAFKA_BOOTSTRAP or tooling/kafka) or memory', 'kafka')
  .option('--clients <list>', 'comma-separated clients', CLOSED_LOOP_DEFAULT)
  .option('--quick', 'short rounds (for CI smoke runs)', false)
  .option('--json', 'one JSON object per result line on stdout', false)
  .option(
    '--open-loop [records]',
    `open loop like ProducerPerformance: N single-record sends per client (default 1000000), clients ${OPEN_LOOP_CLIENTS.join(',')}`,
  )
  .option('--rounds <n>', 'open loop: interleaved rounds per client (default 3, 1 with --quick)')
  .action(
    async (opts: {
      broker: string;
      clients: string;
      quick: boolean;
      json: boolean;
      openLoop?: string | true;
      rounds?: string;
    }) => {
      if (opts.broker !== 'kafka' && opts.broker !== 'memory')
        throw new UsageError('--broker must be kafka or memory');
      if (opts.openLoop !== undefined) return runOpenLoopCommand(opts);
      await runThroughputSuite({
        broker: opts.broker,
        clients: opts.clients
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean),
        quick: opts.quick,
        json: opts.json,
      });
    },
  );

program
  .command('comparison')
  .description(
    'duplicates, losses, reorders and errors per chaos scenario: idem-kafkajs vs kafkajs (from the JSON results)',
  )
  .option('--json', 'one JSON object per result line on stdout', false)
  .action(async (opts: { json: boolean }) => {
    await runComparisonSuite({ json: opts.json });
  });

program
  .command('core')
  .description(
    'the core producer on the in-process memory broker: records/s, p50/p99 send→ack, memory per partition',
  )
  .option('--quick', 'fewer cases and records (for CI smoke runs)', false)
  .option('--json', 'one JSON object per result line on stdout', false)
  .action(async (opts: { quick: boolean; json: boolean }) => {
    await runCoreSuite({ quick: opts.quick, json: opts.json });
  });

program
  .command('demo')
  .description(
    'idempotence on vs off under the same seeded faults, step by step, then core throughput (quick)',
  )
  .option('--seed <n>', 'fault schedule seed', '1')
  .option('--json', 'one JSON object per result line on stdout', false)
  .action(async (opts: { seed: string; json: boolean }) => {
    const seed = Number(opts.seed);
    if (!/^\d+$/.test(opts.seed) || !Number.isSafeInteger(seed))
      throw new UsageError(`--seed must be a non-negative integer, got '${opts.seed}'`);
    await runDemo({ seed, json: opts.json });
  });

function brokerKind(broker: string): ChaosBroker {
  if ((CHAOS_BROKERS as readonly string[]).includes(broker)) return broker as ChaosBroker;
  throw new UsageError(`--broker must be memory, kafka or cluster, got '${broker}'`);
}

/** A loopback-or-not `host:port[,host:port...]` list, as `--bootstrap` takes it. */
export function bootstrapList(value: string): string {
  const items = value.split(',').map((a) => a.trim());
  for (const item of items)
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(item) || Number(item.split(':')[1]) > 65_535)
      throw new UsageError(`--bootstrap wants host:port[,host:port...], got '${value}'`);
  return items.join(',');
}

function listOption<T extends string>(
  value: string | undefined,
  known: readonly T[],
  what: string,
): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  for (const item of items)
    if (!(known as readonly string[]).includes(item))
      throw new UsageError(`unknown ${what} '${item}'; ${what}s: ${known.join(', ')}`);
  if (items.length === 0) throw new UsageError(`--${what}s needs at least one of ${known.join(', ')}`);
  return items as T[];
}

program
  .command('chaos')
  .description(
    'the fault matrix: clients × fault scenarios on the memory broker (or a real one through the fault proxy), read back by the shared checker',
  )
  .option(
    '--broker <kind>',
    'memory; kafka (--bootstrap or KAFKA_BOOTSTRAP, through tooling/fault-proxy); cluster (3 Kafka nodes: started by tooling/kafka, or --bootstrap of a running one with IDEM_KAFKA_CLUSTER_RUN_DIR its run dir)',
    'memory',
  )
  .option('--bootstrap <list>', 'host:port of the real broker, or the node list of a running cluster')
  .option('--clients <list>', `comma-separated clients (default all: ${CHAOS_CLIENTS.join(',')})`)
  .option('--scenarios <list>', `comma-separated scenarios (default all: ${SCENARIO_NAMES.join(',')})`)
  .option('--quick', 'short delivery timeouts (as in `all`): the same cells, faster', false)
  .option('--json', 'one JSON object per result line on stdout', false)
  .action(
    async (opts: {
      broker: string;
      bootstrap?: string;
      clients?: string;
      scenarios?: string;
      quick: boolean;
      json: boolean;
    }) => {
      const broker = brokerKind(opts.broker);
      const clients = listOption(opts.clients, CHAOS_CLIENTS, 'client');
      const scenarios = listOption(opts.scenarios, SCENARIO_NAMES, 'scenario');
      const bootstrap = opts.bootstrap !== undefined ? bootstrapList(opts.bootstrap) : undefined;
      if (broker === 'memory' && bootstrap !== undefined)
        throw new UsageError(
          '--bootstrap is for --broker kafka or cluster (the memory broker is started here)',
        );
      if (broker === 'kafka' && bootstrap === undefined && !process.env.KAFKA_BOOTSTRAP)
        throw new UsageError(
          '--broker kafka needs --bootstrap or KAFKA_BOOTSTRAP=host:port of a running broker (tooling/kafka/bin/start.sh)',
        );
      await runChaosSuite({
        json: opts.json,
        quick: opts.quick,
        broker,
        ...(bootstrap !== undefined ? { bootstrap } : {}),
        ...(clients !== undefined ? { clients } : {}),
        ...(scenarios !== undefined ? { scenarios } : {}),
      });
    },
  );

program
  .command('all', { isDefault: true })
  .description('the main job: everything quick (demo story, chaos matrix, core) and the HTML report')
  .option(
    '--broker <kind>',
    'memory only (for a real broker or cluster: chaos --broker kafka|cluster)',
    'memory',
  )
  .option(
    '--out <path>',
    'the report: a file ending in .html, or a directory for its index.html (report.json beside it)',
    './bench-report/index.html',
  )
  .option('--quick', 'accepted; all is always quick', true)
  .option('--json', 'one JSON object per result line on stdout', false)
  .action(async (opts: { broker: string; out: string; json: boolean }) => {
    if (brokerKind(opts.broker) !== 'memory')
      throw new UsageError(
        `--broker ${opts.broker}: not for all (always the memory broker); run \`idem-bench chaos --broker ${opts.broker}\``,
      );
    await runAllSuite({ json: opts.json, out: opts.out, version: `@idem/bench ${VERSION}` });
  });

const bannerNote = pnpmBannerNote(process.argv.slice(2), process.env);
if (bannerNote !== undefined) process.stderr.write(bannerNote);

try {
  const suite = process.argv[2];
  const suites = program.commands.map((c) => c.name());
  if (suite !== undefined && !suite.startsWith('-') && suite !== 'help' && !suites.includes(suite))
    throw new UsageError(`unknown suite '${suite}'; suites: ${suites.join(', ')} (see --help)`);
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; commander already printed the `error: …` line for bad input.
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  if (
    error instanceof UsageError ||
    (error instanceof Error && error.message.startsWith('no comparison results'))
  ) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof Error && error.name === 'BrokerUnavailable') {
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
