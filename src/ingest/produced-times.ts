// When the messages a Kafka reader fetched were produced, kept until they are stored: the age of
// the oldest message still waiting is the partition's lag. The newest stored message's age would
// overstate it whenever the feed comes in bursts (the bikes send once a second).

/** One fetched batch of a partition: its offsets (ascending) and their produce times. */
interface Run {
  readonly offsets: Float64Array;
  readonly times: Float64Array;
}

/** Produce times of fetched, not yet stored messages, per partition. */
export class ProducedTimes {
  private readonly runs = new Map<number, Run[]>();

  /** Remembers a fetched batch of one partition, in offset order. */
  add(partition: number, messages: readonly { offset: number; producedAtMs: number }[]): void {
    if (messages.length === 0) return;
    const offsets = new Float64Array(messages.length);
    const times = new Float64Array(messages.length);
    messages.forEach((m, i) => {
      offsets[i] = m.offset;
      times[i] = m.producedAtMs;
    });
    const runs = this.runs.get(partition) ?? [];
    runs.push({ offsets, times });
    this.runs.set(partition, runs);
  }

  /** When the first fetched message at or after `offset` was produced; undefined if none is known. */
  from(partition: number, offset: number): number | undefined {
    let best: { offset: number; at: number } | undefined;
    for (const run of this.runs.get(partition) ?? []) {
      const i = firstAtOrAfter(run.offsets, offset);
      if (i < run.offsets.length && (best === undefined || run.offsets[i]! < best.offset))
        best = { offset: run.offsets[i]!, at: run.times[i]! };
    }
    return best?.at;
  }

  /** Forgets the messages before `next` of a partition: they are stored. */
  storedUpTo(partition: number, next: number): void {
    const runs = this.runs.get(partition);
    if (!runs) return;
    const kept = runs.filter((r) => r.offsets[r.offsets.length - 1]! >= next);
    if (kept.length) this.runs.set(partition, kept);
    else this.runs.delete(partition);
  }

  /** Forgets everything (the reader's partitions were assigned anew). */
  clear(): void {
    this.runs.clear();
  }
}

/** Index of the first element ≥ `x` in an ascending array (its length when none is). */
function firstAtOrAfter(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
