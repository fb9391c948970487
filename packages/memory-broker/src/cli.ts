/**
 * idem-broker: the in-memory Kafka cluster as a standalone process, for tools and clients outside a
 * test runner.
 *
 *   idem-broker --port 9092 --brokers 3 --partitions 6 [--topic orders:12] [--host 0.0.0.0]
 *
 * The flags are parsed with commander (cli-options.ts), as apps/bench parses its own: `--help`,
 * `--version`, and one `error: …` line with exit code 2 for bad input. The options it finds go to
 * `runCli` (server/cli-main.ts), which starts the cluster, prints the bootstrap servers and stops on
 * SIGINT or SIGTERM.
 *
 * Built once, as ESM, to dist/cli.js, which bin/idem-broker.js imports. These files take the broker from
 * '@idem/memory-broker' (the package's own name), which the CLI build leaves external (tsup.config.ts).
 */
import { createRequire } from 'node:module';
import { stderrLogger } from '@idem/memory-broker';
import { parseCommandLine, toArgv } from './cli-options.js';
import { runCli } from './server/cli-main.js';

// The package's version, read at run time: ../package.json from src/cli.ts and from dist/cli.js alike.
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const parsed = parseCommandLine(process.argv.slice(2), version, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});

if (parsed.kind === 'exit') {
  process.exitCode = parsed.code;
} else {
  runCli(toArgv(parsed.options), {
    stdout: (text) => process.stdout.write(text),
    logger: stderrLogger,
    onSignal: (signal, handler) => process.on(signal, handler),
    exit: (code) => process.exit(code),
  }).catch((error: unknown) => {
    stderrLogger.warn(`idem-broker failed: ${(error as Error)?.stack ?? String(error)}`);
    process.exit(1);
  });
}
