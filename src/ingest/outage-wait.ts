import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { isTransientDbError } from '../store/db.js';

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 10_000;

/** Backoff delays: 100 ms doubling to 10 s. */
export function* backoff(): Generator<number> {
  for (let d = FIRST_DELAY_MS; ; d = Math.min(d * 2, MAX_DELAY_MS)) yield d;
}

/**
 * Runs `fn`, waiting out database outages with backoff; any other error (a bug, a schema
 * mismatch) would never heal by itself and is thrown at once, as is the last error on abort.
 */
export async function waitingOutOutages<T>(
  what: string,
  fn: () => Promise<T>,
  o: { readonly logger: Logger; readonly signal: AbortSignal },
): Promise<T> {
  const delays = backoff();
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (!isTransientDbError(e) || o.signal.aborted) throw e;
      const delay = delays.next().value as number;
      o.logger.warn({ err: (e as Error).message, retryInMs: delay }, `${what} failed; retrying`);
      await sleep(delay, undefined, { signal: o.signal }).catch(() => undefined);
      if (o.signal.aborted) throw e;
    }
  }
}
