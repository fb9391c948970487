// `pnpm example <name> [--bootstrap host:port]`: runs one example program (the file examples/<name>.ts),
// on the embedded memory broker, or on the Kafka cluster named by --bootstrap.
import { readdirSync } from 'node:fs';
import { parseArgs } from './support/broker.ts';

/** Old names that still run their example. */
const aliases: Record<string, string> = { 'lost-response': 'retry-dedupe' };
const names = readdirSync(new URL('./', import.meta.url))
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3))
  .sort();
const given = process.argv[2];
const name = given === undefined ? undefined : (aliases[given] ?? given);
if (name === undefined || !names.includes(name)) {
  process.stderr.write(
    `${given === undefined ? '' : `error: no example ${JSON.stringify(given)}\n`}usage: pnpm example <name> [--bootstrap host:port], one of: ${names.join(', ')}\n`,
  );
  process.exit(2);
}
// `error: …` and exit 2 on a bad flag, before the example starts.
const { bootstrap } = parseArgs();
/** Examples that show the embedded broker itself, and do not take --bootstrap. */
const embeddedOnly = ['core-producer', 'kafkajs-drop-in'];
if (bootstrap !== null && embeddedOnly.includes(name)) {
  process.stderr.write(`error: ${name} runs on the embedded memory broker only; drop --bootstrap\n`);
  process.exit(2);
}
await import(`./${name}.ts`);
