import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

// RSS keeps memory the collector and the C allocator have freed but not given back, and it
// rises and falls with their timing; the heap in use just after a full collection is what the
// process keeps alive, so a leak shows there first and only there for sure.
let observer: PerformanceObserver | null = null;
let liveBytes: number | null = null;

/** Starts watching full collections (once per process); idempotent. */
export function watchLiveHeap(): void {
  if (observer) return;
  observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } | null }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR)
        liveBytes = getHeapStatistics().used_heap_size;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
}

/** Bytes of the V8 heap in use after this process's newest full collection; null before one. */
export function liveHeapBytes(): number | null {
  return liveBytes;
}
