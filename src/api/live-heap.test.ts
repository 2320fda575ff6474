import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { liveHeapBytes, watchLiveHeap } from './live-heap.js';

// A full collection on demand, without starting the test process with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('live heap', () => {
  it('is the heap in use after a full collection, and drops when garbage is collected', async () => {
    watchLiveHeap();
    watchLiveHeap(); // idempotent: one observer
    let garbage: number[][] | null = Array.from({ length: 200 }, () => new Array(50_000).fill(1));
    gc();
    await new Promise((r) => setTimeout(r, 50));
    const withGarbage = liveHeapBytes();
    expect(withGarbage).not.toBeNull();
    expect(garbage.length).toBe(200);
    garbage = null;
    gc();
    await new Promise((r) => setTimeout(r, 50));
    const without = liveHeapBytes()!;
    // 200 arrays of 50,000 small integers: about 80 MB kept alive, then freed.
    expect(withGarbage! - without).toBeGreaterThan(50 * 2 ** 20);
    expect(without).toBeGreaterThan(0);
  });
});
