#!/usr/bin/env node
import { Command } from 'commander';
import { runBrokerSuite } from './suites/broker.js';
import { runCodecSuite } from './suites/codec.js';
import { runComparisonSuite } from './suites/comparison.js';
import { runCoreSuite } from './suites/core.js';
import { runDemo } from './suites/demo.js';
import { runThroughputSuite } from './suites/throughput.js';
import { OPEN_LOOP_CLIENTS, runOpenLoopCommand } from './throughput/open-loop-command.js';

const program = new Command('idem-bench')
  .description(
    'idem benchmarks and demonstrations; every suite compares implementations side by side in one run',
  )
  .showHelpAfterError();

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
  .option('--clients <list>', 'comma-separated clients', 'idem-kafkajs,kafkajs-idempotent,kafkajs,librdkafka')
  .option('--quick', 'short rounds (for CI smoke runs)', false)
  .option('--json', 'one JSON object per result line on stdout', false)
  .option(
    '--open-loop [records]',
    `open loop like ProducerPerformance: N single-record sends per client (default 1000000), clients ${OPEN_LOOP_CLIENTS.join(',')}`,
  )
  .action(
    async (opts: {
      broker: string;
      clients: string;
      quick: boolean;
      json: boolean;
      openLoop?: string | true;
    }) => {
      if (opts.broker !== 'kafka' && opts.broker !== 'memory')
        throw new Error('--broker must be kafka or memory');
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
  .command('demo', { isDefault: true })
  .description(
    'the main job: idempotence on vs off under the same seeded faults, then core throughput (quick)',
  )
  .option('--seed <n>', 'fault schedule seed', '1')
  .option('--json', 'one JSON object per result line on stdout', false)
  .action(async (opts: { seed: string; json: boolean }) => {
    await runDemo({ seed: Number(opts.seed), json: opts.json });
  });

await program.parseAsync();
