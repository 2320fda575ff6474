import type { PositionLoader, Source, SourceMessage } from './source.js';

/** What the pipeline must act on next. */
export type PipelineInput =
  | { readonly kind: 'messages'; readonly messages: readonly SourceMessage[] }
  /** The batch being built should be written now: it is old enough, or the source is idle. */
  | { readonly kind: 'due' }
  /**
   * The source is about to read these partitions (its start, or a rebalance): commit, claim
   * them, rebuild the ride state, then call `rebuilt()`.
   */
  | { readonly kind: 'rebuild'; readonly partitions: readonly number[] }
  /** The write stage failed for good. */
  | { readonly kind: 'failed'; readonly error: Error }
  | { readonly kind: 'end' };

/** How full the batch being built is, and whether a write is in flight. */
export interface BatchFill {
  readonly count: number;
  readonly firstAtMs: number;
  readonly writing: boolean;
}

const DUE: PipelineInput = { kind: 'due' };
const END: PipelineInput = { kind: 'end' };

/**
 * The pipeline's inputs as one sequence: the source's chunks, batch deadlines, requests to
 * rebuild after a rebalance, and a failed write stage, whichever comes first.
 *
 * Every position load waits until the pipeline has committed what it has, claimed the
 * partitions and rebuilt its state: after a rebalance another process may have written to these
 * bikes. Only then are positions read, so that claim, state and positions agree.
 */
export class PipelineInputs {
  private readonly reading = new AbortController();
  private readonly iterator: AsyncIterator<readonly SourceMessage[]>;
  private pending: Promise<IteratorResult<readonly SourceMessage[]>> | null = null;
  /** The partitions of the latest load that waits for a rebuild not yet begun. */
  private rebuildWanted: readonly number[] | null = null;
  /** Loads waiting for a rebuild not yet begun, and for the one under way. */
  private waiting: (() => void)[] = [];
  private rebuilding: (() => void)[] = [];
  private failure: Error | null = null;
  private closed = false;
  /** Wakes a waiting `next()`; replaced on every wait. */
  private wake: () => void = () => undefined;

  constructor(
    source: Source,
    loadPositions: PositionLoader,
    private readonly signal: AbortSignal,
    private readonly maxBatchWaitMs: number,
  ) {
    // The source stops when the pipeline does, for whatever reason, not only when told to: a
    // pipeline that failed must not leave its source waiting (and its shutdown with it).
    signal.addEventListener('abort', this.stopReading, { once: true });
    if (signal.aborted) this.reading.abort();
    const load: PositionLoader = async (partitions) => {
      if (!this.closed) {
        // A newer load (a rebalance during a rebalance) replaces the partitions to claim; the
        // older one goes on once the rebuild is done, and its source drops what it loaded.
        const done = new Promise<void>((r) => this.waiting.push(r));
        this.rebuildWanted = partitions;
        this.wake();
        await done;
      }
      return loadPositions(partitions);
    };
    this.iterator = source.read(load, this.reading.signal)[Symbol.asyncIterator]();
  }

  /** Waits for what the pipeline must do next, given the batch it is building. */
  async next(batch: BatchFill): Promise<PipelineInput> {
    try {
      for (;;) {
        // A fresh wake-up promise per wait: racing one long-lived promise would chain every
        // chunk ever read to it and keep them all in memory.
        const woken = new Promise<'woken'>((r) => (this.wake = () => r('woken')));
        if (this.failure) return { kind: 'failed', error: this.failure };
        const partitions = this.rebuildWanted;
        if (partitions) {
          // A load arriving during this rebuild asks for another: its partitions may differ.
          this.rebuildWanted = null;
          this.rebuilding.push(...this.waiting.splice(0));
          return { kind: 'rebuild', partitions };
        }
        this.pending ??= this.iterator.next();
        const deadline = await this.deadline(batch, this.pending);
        const timer = deadline === null ? null : timeout(deadline);
        const res = await Promise.race([this.pending, woken, ...(timer ? [timer.due] : [])]);
        timer?.cancel();
        if (res === 'woken') continue;
        if (res === 'due') return DUE;
        this.pending = null;
        return res.done ? END : { kind: 'messages', messages: res.value };
      }
    } finally {
      this.wake = () => undefined;
    }
  }

  /** The ride state is rebuilt: the position loads that asked for it may go on. */
  rebuilt(): void {
    for (const go of this.rebuilding.splice(0)) go();
  }

  /** The write stage failed: the next (or current) wait ends with it. */
  fail(error: Error): void {
    this.failure ??= error;
    this.wake();
  }

  /** Stops the source and lets a waiting position load go (the source's shutdown waits for it). */
  async close(): Promise<void> {
    this.closed = true;
    this.rebuildWanted = null;
    for (const go of [...this.rebuilding.splice(0), ...this.waiting.splice(0)]) go();
    this.reading.abort();
    this.signal.removeEventListener('abort', this.stopReading);
    await this.iterator.return?.();
  }

  private readonly stopReading = (): void => this.reading.abort();

  /** How long the batch may still wait (ms), or null when it is empty and only the source matters. */
  private async deadline(batch: BatchFill, pending: Promise<unknown>): Promise<number | null> {
    if (batch.count === 0) return null;
    // The source has nothing ready and the database nothing to do: waiting longer only adds
    // latency. While a write is in flight, the batch keeps growing instead.
    if (!batch.writing && !(await settledSoon(pending))) return 0;
    return Math.max(0, batch.firstAtMs + this.maxBatchWaitMs - Date.now());
  }
}

/** True when `p` settles within one turn of the event loop. */
async function settledSoon(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  const mark = (): void => {
    settled = true;
  };
  p.then(mark, mark);
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

function timeout(ms: number): { due: Promise<'due'>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const due = new Promise<'due'>((resolve) => {
    timer = setTimeout(() => resolve('due'), ms);
  });
  return { due, cancel: () => clearTimeout(timer) };
}
