/**
 * The Java KafkaConsumer (org.apache.kafka:kafka-clients 4.3.0 from Maven Central) with group.protocol=consumer
 * (KIP-848) reads back a topic it produced to the memory broker's TCP server, and two consumers of one group
 * split its four partitions two and two; the same program runs against Kafka 4.3.0 (tooling/kafka) and both
 * must print the same results (test/groups/java/ConsumerCalls.java). Skips with the reason where Java, the jars
 * or the Kafka broker are missing.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaTarget, uniqueTopic } from '@idem/kafka-tooling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBrokerServer } from '../../src/server/broker-server.js';

const PROGRAM = fileURLToPath(new URL('./java/ConsumerCalls.java', import.meta.url));
const REPO = process.env.MAVEN_REPO ?? join(homedir(), '.m2', 'repository');
const JARS = [
  ['org.apache.kafka', 'kafka-clients', '4.3.0'],
  ['org.slf4j', 'slf4j-api', '1.7.36'],
] as const;

function jarPath([group, artifact, version]: readonly [string, string, string]): string {
  return join(REPO, ...group.split('.'), artifact, version, `${artifact}-${version}.jar`);
}

/** The classpath, fetched from Maven Central with `mvn dependency:get` when missing; or why it is not there. */
function classpath(): { cp: string } | { skip: string } {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    return { skip: 'java is not installed' };
  }
  for (const jar of JARS) {
    if (existsSync(jarPath(jar))) continue;
    try {
      execFileSync('mvn', ['-q', 'dependency:get', '-Dtransitive=false', `-Dartifact=${jar.join(':')}`], {
        stdio: 'ignore',
        timeout: 180_000,
      });
    } catch {
      return { skip: `${jar.join(':')} is not in ${REPO} and mvn could not fetch it` };
    }
  }
  return { cp: JARS.map(jarPath).join(':') };
}

function runConsumerCalls(cp: string, bootstrap: string, topic: string): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    execFile(
      'java',
      [
        '-Xmx256m',
        '-XX:TieredStopAtLevel=1',
        '-XX:+UseSerialGC',
        '-cp',
        cp,
        PROGRAM,
        bootstrap,
        topic,
        `${topic}-group`,
      ],
      { timeout: 150_000 },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`ConsumerCalls against ${bootstrap} failed: ${error.message}\n${stderr}`));
        else
          resolve(
            new Map(
              stdout
                .trim()
                .split('\n')
                .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
            ),
          );
      },
    );
  });
}

const setup = classpath();
const kafka = kafkaTarget();
const skip =
  'skip' in setup ? setup.skip : kafka.bootstrap === null ? (kafka.reason ?? 'no Kafka broker') : null;
if (skip !== null) console.log(`[java-consumer] skipped: ${skip}`);

describe.skipIf(skip !== null)(
  `Java KafkaConsumer 4.3.0, group.protocol=consumer${skip ? ` [skipped: ${skip}]` : ''}`,
  () => {
    let server: MemoryBrokerServer;
    beforeAll(async () => {
      server = await MemoryBrokerServer.start({ brokers: 1, logger: { info: () => {}, warn: () => {} } });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('reads a topic back and splits it between two members, with the same answers as Kafka', async () => {
      const cp = (setup as { cp: string }).cp;
      const topic = uniqueTopic('java-consumer');
      const memory = await runConsumerCalls(cp, server.bootstrapServers, topic);
      expect(memory.get('one.read')).toBe('40');
      expect(memory.get('two.split')).toBe('true');
      const real = await runConsumerCalls(cp, kafka.bootstrap!, topic);
      expect(Object.fromEntries(memory)).toEqual(Object.fromEntries(real));
    }, 400_000);
  },
);
