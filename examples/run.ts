// `pnpm example <name>`: runs one example program (the file examples/<name>.ts).
import { readdirSync } from 'node:fs';

const names = readdirSync(new URL('./', import.meta.url))
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3))
  .sort();
const name = process.argv[2];
if (name === undefined || !names.includes(name)) {
  process.stderr.write(`usage: pnpm example <name>, one of: ${names.join(', ')}\n`);
  process.exit(2);
}
await import(`./${name}.ts`);
