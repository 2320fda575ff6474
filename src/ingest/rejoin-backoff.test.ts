import { describe, expect, it } from 'vitest';
import { RejoinBackoff, STABLE_RUN_MS } from './rejoin-backoff.js';

describe('RejoinBackoff', () => {
  it('rejoins quickly at first, backs off on crashes in a row up to 30 s', () => {
    const b = new RejoinBackoff();
    expect([1, 2, 3, 4, 5, 6].map(() => b.next(1_000))).toEqual([
      250, 1_000, 4_000, 16_000, 30_000, 30_000,
    ]);
  });

  it('starts again from the quick wait after a member ran long enough to be healthy', () => {
    const b = new RejoinBackoff();
    b.next(500);
    b.next(500);
    expect(b.next(500)).toBe(4_000);
    expect(b.next(STABLE_RUN_MS)).toBe(250);
    expect(b.next(STABLE_RUN_MS - 1)).toBe(1_000);
  });
});
