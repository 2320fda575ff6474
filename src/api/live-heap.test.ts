import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { liveHeapBytes, watchLiveHeap } from './live-heap.js';

// A full collection on demand, without starting the test process with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const collected = async (): Promise<void> => {
  gc();
  await new Promise((r) => setTimeout(r, 50));
};

describe('live heap', () => {
  it('is the heap in use after a full collection, and drops when garbage is collected', async () => {
    watchLiveHeap();
    watchLiveHeap(); // idempotent: one observer
    const withGarbage = await (async () => {
      // 200 arrays of 50,000 small integers: about 80 MB kept alive through the collection.
      const garbage = Array.from({ length: 200 }, () => new Array<number>(50_000).fill(1));
      await collected();
      expect(garbage.length).toBe(200);
      return liveHeapBytes();
    })();
    expect(withGarbage).not.toBeNull();
    await collected();
    const without = liveHeapBytes()!;
    expect(withGarbage! - without).toBeGreaterThan(50 * 2 ** 20);
    expect(without).toBeGreaterThan(0);
  });
});
