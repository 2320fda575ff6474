// Report builds take up to ~2 s of CPU each: a few at a time, so that a burst of requests for
// PDFs cannot take the event loop from the live stream and the rest of the API.

/** Thrown when more builds wait than the queue holds: the caller should try again later. */
export class SlotsFull extends Error {
  readonly code = 'slots_full';
  constructor(readonly waiting: number) {
    super(`${waiting} builds are already waiting`);
    this.name = 'SlotsFull';
  }
}

/** A counting semaphore with a bounded first-come, first-served queue. */
export class BuildSlots {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    readonly slots: number,
    readonly maxWaiting: number,
  ) {}

  /** How many run now, and how many wait. */
  stats(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.queue.length };
  }

  /** Runs `job` when a slot is free (in arrival order); throws SlotsFull when the queue is full. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.slots) {
      if (this.queue.length >= this.maxWaiting) throw new SlotsFull(this.queue.length);
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else this.running++;
    try {
      return await job();
    } finally {
      const next = this.queue.shift();
      // The slot passes straight to the next in line, so a newcomer cannot jump the queue.
      if (next) next();
      else this.running--;
    }
  }
}
