/** Where the TCP server reports what it does to connections (malformed frames, unknown APIs, resets). */
export interface BrokerServerLogger {
  /** Something worth knowing, as the CLI's startup and shutdown lines; one message, without a trailing newline. */
  info(message: string): void;
  /** Something gone wrong, as a connection closed for what it sent; one message, without a trailing newline. */
  warn(message: string): void;
}

/** Lines to stderr, prefixed so they stand out in a test run's output. */
export const stderrLogger: BrokerServerLogger = {
  info: (message) => process.stderr.write(`[idem-broker] ${message}\n`),
  warn: (message) => process.stderr.write(`[idem-broker] warning: ${message}\n`),
};

/** Drops everything (benchmarks, tests that assert on their own logger). */
export const silentLogger: BrokerServerLogger = { info: () => {}, warn: () => {} };
