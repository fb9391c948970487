/**
 * `pnpm bench … --json` without `-s`: pnpm prints its `> idem-monorepo@ bench` banner on stdout before the
 * script starts, so nothing the CLI does can take it back. A root `.npmrc` with `reporter=silent` would hide
 * it, but also every error of `pnpm install` and of every other script, so the CLI says how to get clean
 * JSON instead, on stderr, before the run.
 *
 * @param argv - the CLI's arguments (without node and the script).
 * @param env - the environment pnpm hands its scripts.
 * @returns the note to print, or `undefined` when stdout holds only what the CLI writes.
 */
export function pnpmBannerNote(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (!argv.includes('--json')) return undefined;
  if (!env.npm_config_user_agent?.startsWith('pnpm/')) return undefined;
  if (env.npm_lifecycle_event === undefined || env.npm_config_reporter === 'silent') return undefined;
  return `note: pnpm printed its banner on stdout before these JSON lines; for JSON only, run \`pnpm -s ${env.npm_lifecycle_event} ${argv.join(' ')}\` (or \`node apps/bench/dist/cli.js ${argv.join(' ')}\`)\n`;
}
