// The broker the throughput suite runs against: the real Kafka of tooling/kafka (KAFKA_BOOTSTRAP, or started here
// and stopped afterwards), or the memory broker's TCP server.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface BrokerHandle {
  readonly bootstrap: string;
  readonly description: string;
  stop(): Promise<void>;
}

const KAFKA_BIN = path.resolve(import.meta.dirname, '../../../tooling/kafka/bin');

export async function openBroker(kind: 'kafka' | 'memory'): Promise<BrokerHandle> {
  if (kind === 'memory') {
    // The memory broker's TCP server (packages/memory-broker/src/server) is not exported yet.
    throw new Error('--broker memory: @idem/memory-broker does not export a TCP server yet');
  }
  const given = process.env.KAFKA_BOOTSTRAP;
  if (given)
    return { bootstrap: given, description: `Kafka at ${given} (KAFKA_BOOTSTRAP)`, stop: async () => {} };
  process.stderr.write('starting tooling/kafka (Apache Kafka 4.3.0)...\n');
  const { stdout } = await run('bash', [path.join(KAFKA_BIN, 'start.sh')], { maxBuffer: 1 << 20 });
  const bootstrap = stdout.trim().split('\n').at(-1) ?? '';
  if (!/^[\w.-]+:\d+$/.test(bootstrap))
    throw new Error(`tooling/kafka/bin/start.sh printed no bootstrap: ${stdout}`);
  return {
    bootstrap,
    description: `Kafka 4.3.0 at ${bootstrap} (started for this run)`,
    stop: async () => {
      await run('bash', [path.join(KAFKA_BIN, 'stop.sh')]);
    },
  };
}
