/**
 * The set-up of the tests that run a Java program on org.apache.kafka:kafka-clients 4.3.0 (from Maven Central)
 * against the memory broker's TCP server and against Kafka 4.3.0 (tooling/kafka): the classpath, the reason to
 * skip where Java, the jars or the Kafka broker are missing, the memory broker's server, and the program's run.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaTarget } from '@idem/kafka-tooling';
import { afterAll, beforeAll } from 'vitest';
import { MemoryBrokerServer } from '../src/server/broker-server.js';

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

/** Runs `program` (a .java file) with `bootstrap topic topic-group`; its stdout's `key=value` lines. */
function runProgram(
  program: string,
  cp: string,
  bootstrap: string,
  topic: string,
): Promise<Map<string, string>> {
  const name = basename(program, '.java');
  return new Promise((resolve, reject) => {
    execFile(
      'java',
      [
        '-Xmx256m',
        '-XX:TieredStopAtLevel=1',
        '-XX:+UseSerialGC',
        '-cp',
        cp,
        program,
        bootstrap,
        topic,
        `${topic}-group`,
      ],
      { timeout: 150_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${name} against ${bootstrap} failed: ${error.message}\n${stderr}`));
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

export interface JavaProgram {
  /** Why the suite is skipped (no Java, no jars, no Kafka broker), or null; logged as `[tag] skipped: …`. */
  readonly skip: string | null;
  /** The real Kafka broker's bootstrap; only when `skip` is null. */
  readonly kafkaBootstrap: string;
  /** Runs the program against `bootstrap` with `topic` and the group `${topic}-group`; what it printed. */
  run(bootstrap: string, topic: string): Promise<Map<string, string>>;
}

/** The set-up of `program` (a URL of a .java file): classpath and Kafka target looked up now, at import. */
export function javaProgram(program: URL, tag: string): JavaProgram {
  const path = fileURLToPath(program);
  const setup = classpath();
  const kafka = kafkaTarget();
  const skip =
    'skip' in setup ? setup.skip : kafka.bootstrap === null ? (kafka.reason ?? 'no Kafka broker') : null;
  if (skip !== null) console.log(`[${tag}] skipped: ${skip}`);
  return {
    skip,
    kafkaBootstrap: kafka.bootstrap!,
    run: (bootstrap, topic) => runProgram(path, (setup as { cp: string }).cp, bootstrap, topic),
  };
}

/** In a describe: a one-broker memory server started before all its tests and closed after them. */
export function memoryBrokerServer(): () => MemoryBrokerServer {
  let server: MemoryBrokerServer;
  beforeAll(async () => {
    server = await MemoryBrokerServer.start({ brokers: 1, logger: { info: () => {}, warn: () => {} } });
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => server;
}
