/** Where the TCP server reports what it does to connections (malformed frames, unknown APIs, resets). */
export interface BrokerServerLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Lines to stderr, prefixed so they stand out in a test run's output. */
export const stderrLogger: BrokerServerLogger = {
  info: (message) => process.stderr.write(`[idem-broker] ${message}\n`),
  warn: (message) => process.stderr.write(`[idem-broker] warning: ${message}\n`),
};

/** Drops everything (benchmarks, tests that assert on their own logger). */
export const silentLogger: BrokerServerLogger = { info: () => {}, warn: () => {} };
