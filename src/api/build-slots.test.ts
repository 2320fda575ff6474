import { describe, expect, it } from 'vitest';
import { BuildSlots, SlotsFull } from './build-slots.js';

/** A job that runs until `finish` is called, recording when it starts. */
function gate(log: string[], name: string) {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((r) => (finish = r));
  return {
    job: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
    finish: () => finish(),
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('BuildSlots', () => {
  it('runs at most `slots` jobs at once and the rest in arrival order', async () => {
    const slots = new BuildSlots(2, 10);
    const log: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => gate(log, n)) as [
      ReturnType<typeof gate>,
      ReturnType<typeof gate>,
      ReturnType<typeof gate>,
      ReturnType<typeof gate>,
    ];
    const results = [a, b, c, d].map((g) => slots.run(g.job));
    await settle();
    expect(log).toEqual(['start a', 'start b']);
    expect(slots.stats()).toEqual({ running: 2, waiting: 2 });
    b.finish();
    await settle();
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    a.finish();
    c.finish();
    d.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect(slots.stats()).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when a job fails', async () => {
    const slots = new BuildSlots(1, 10);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(slots.stats()).toEqual({ running: 0, waiting: 0 });
    expect(await slots.run(() => Promise.resolve(7))).toBe(7);
  });

  it('refuses a job when the queue is full', async () => {
    const slots = new BuildSlots(1, 1);
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const first = slots.run(a.job);
    const second = slots.run(b.job);
    await expect(slots.run(() => Promise.resolve('c'))).rejects.toBeInstanceOf(SlotsFull);
    a.finish();
    b.finish();
    expect(await Promise.all([first, second])).toEqual(['a', 'b']);
  });
});
