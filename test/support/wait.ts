import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `check` until it holds, in place of a fixed sleep standing in for "it has happened";
 * fails after `timeoutMs`, naming what it waited for.
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  { timeoutMs = 20_000, everyMs = 20 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
