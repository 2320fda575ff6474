/** Backoff after the n-th failed attempt at a mail: 1 s, 2 s, 4 s ... up to 10 minutes. */
export const retryDelayMs = (attempts: number): number =>
  Math.min(1_000 * 2 ** Math.max(0, attempts - 1), 10 * 60_000);
