import { runFaultDemo } from '../core/fault-demo.js';
import { runStory, type StoryScene } from '../demo/story.js';
import { runCoreSuite } from './core.js';

export interface DemoOptions {
  readonly json: boolean;
  readonly seed: number;
}

/**
 * The main job (`bash run.sh bench`): on the embedded in-memory broker, the same seeded fault schedule
 * (lost acks, connection resets, errors after the append) hits a producer with idempotence and one
 * without; the checker counts what each left in the log. Then the core's throughput, quick.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const scenes = await runStory();
  for (const scene of scenes) {
    if (options.json) console.log(JSON.stringify(storyRow(scene)));
    else printScene(scene);
  }
  const common = {
    records: 20_000,
    partitions: 6,
    seed: options.seed,
    ackLost: 0.05,
    errorAfterAppend: 0.03,
    reset: 0.01,
  };
  const rows = [];
  for (const idempotent of [true, false]) {
    process.stderr.write(
      `demo: ${idempotent ? 'idem (idempotent)' : 'idempotence off'}, seed ${options.seed}\n`,
    );
    const v = await runFaultDemo({ ...common, idempotent });
    const row = {
      suite: 'demo',
      client: idempotent ? 'idem' : 'idempotence-off',
      seed: options.seed,
      records: v.records,
      acked: v.acked,
      failed: v.failed,
      duplicates: v.duplicates,
      losses: v.losses,
      reorders: v.reorders,
      unsettled: v.unsettled,
    };
    rows.push(row);
    if (options.json) console.log(JSON.stringify(row));
  }
  if (!options.json) {
    console.log('\nSame faults, same seed, in-memory broker (3 brokers, 6 partitions, 20,000 records):');
    console.log('client            acked   failed  duplicates  losses  reorders  unsettled');
    for (const r of rows) {
      console.log(
        `${r.client.padEnd(16)} ${String(r.acked).padStart(6)} ${String(r.failed).padStart(8)} ${String(r.duplicates).padStart(11)} ${String(r.losses).padStart(7)} ${String(r.reorders).padStart(9)} ${String(r.unsettled).padStart(10)}`,
      );
    }
  }
  await runCoreSuite({ quick: true, json: options.json });
}

export function storyRow(scene: StoryScene) {
  return {
    suite: 'demo',
    kind: 'story',
    scene: scene.scene,
    title: scene.title,
    idempotent: scene.idempotent,
    copies: scene.copies,
    log: scene.log,
    steps: scene.steps,
  };
}

const ACTOR = { producer: 'producer', broker: 'broker  ', app: 'app     ' } as const;

export function printScene(scene: StoryScene): void {
  console.log(`\n${scene.title}`);
  for (const step of scene.steps) {
    const arrow =
      step.kind === 'lost' ? ' --x ' : step.kind === 'decision' || step.kind === 'note' ? '  :  ' : ' --> ';
    const to = step.from === step.to ? '' : step.to;
    console.log(`  ${ACTOR[step.from]}${arrow}${to.padEnd(9)}${step.text}`);
  }
  const where = scene.log.map((c) => `offset ${c.offset} (PID ${c.producerId})`).join(', ');
  console.log(`  => ${scene.copies} ${scene.copies === 1 ? 'copy' : 'copies'} in the log: ${where}`);
}
