#!/usr/bin/env node
/**
 * idem-broker: the in-memory Kafka cluster as a standalone process, for tools and clients outside a
 * test runner.
 *
 *   idem-broker --port 9092 --brokers 3 --partitions 6 [--topic orders:12] [--host 0.0.0.0]
 */
import { runCli } from './server/cli-main.js';
import { stderrLogger } from './server/logger.js';

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  logger: stderrLogger,
  onSignal: (signal, handler) => process.on(signal, handler),
  exit: (code) => process.exit(code),
}).catch((error: unknown) => {
  stderrLogger.warn(`idem-broker failed: ${(error as Error)?.stack ?? String(error)}`);
  process.exit(1);
});
