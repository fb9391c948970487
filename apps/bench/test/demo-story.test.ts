import { describe, expect, it } from 'vitest';
import { runStory } from '../src/demo/story.js';

describe('the demo story on the memory broker', () => {
  it('a lost ack: 2 copies without idempotence, 1 with it; the limits each write a duplicate', async () => {
    const scenes = await runStory();
    const copies = Object.fromEntries(scenes.map((s) => [s.scene, s.copies]));
    expect(copies).toEqual({
      'lost-ack-plain': 2,
      'lost-ack-idempotent': 1,
      'limit-restart': 2,
      'limit-second-instance': 2,
      'limit-reprocess': 2,
    });
    const idem = scenes.find((s) => s.scene === 'lost-ack-idempotent');
    expect(idem?.steps.some((s) => s.kind === 'decision' && /duplicate/.test(s.text))).toBe(true);
    expect(idem?.steps.some((s) => s.kind === 'lost')).toBe(true);
    const restart = scenes.find((s) => s.scene === 'limit-restart');
    expect(new Set(restart?.log.map((c) => c.producerId)).size).toBe(2);
    const second = scenes.find((s) => s.scene === 'limit-second-instance');
    expect(new Set(second?.log.map((c) => c.producerId)).size).toBe(2);
  }, 20_000);
});
