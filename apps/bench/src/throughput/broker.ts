// The broker the throughput suite runs against: the real Kafka of tooling/kafka (KAFKA_BOOTSTRAP, or started here
// and stopped afterwards), or the memory broker's TCP server.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { MemoryBrokerServer, realClock, silentLogger } from '@idem/memory-broker';

const run = promisify(execFile);

export interface BrokerHandle {
  readonly bootstrap: string;
  readonly description: string;
  stop(): Promise<void>;
}

const KAFKA_BIN = path.resolve(import.meta.dirname, '../../../tooling/kafka/bin');

export async function openBroker(kind: 'kafka' | 'memory'): Promise<BrokerHandle> {
  if (kind === 'memory') {
    // One broker: kafkajs clients hung against a 2-broker memory server (see packages/kafkajs/test/contract-memory).
    const server = await MemoryBrokerServer.start({ brokers: 1, clock: realClock, logger: silentLogger });
    return {
      bootstrap: server.bootstrapServers,
      description: `idem memory broker (TCP) at ${server.bootstrapServers}`,
      stop: () => server.close(),
    };
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
