// stdout carries exactly one JSON line per benchmark (run-all.ts and scripts parse it); all
// human-readable progress goes to stderr.
import { cleanupAll, cleanupOnSignals } from './cleanup.js';
import { log } from './log.js';

/** A JSON value, so figures stay serializable without `any`. */
export type Json = number | string | boolean | null | readonly Json[] | { [key: string]: Json };

/** A benchmark whose result cannot be trusted (data lost, child failed): exit 1, loudly. */
export class BenchFailure extends Error {
  override readonly name = 'BenchFailure';
}

/** Rounds a figure for the report: rates to whole units, small numbers to 3 significant digits. */
export function round(n: number): number {
  if (!Number.isFinite(n)) return 0;
  if (Math.abs(n) >= 100) return Math.round(n);
  return Number(n.toPrecision(3));
}

/**
 * Runs a benchmark: cleans up whatever it registered, prints its one JSON line, and exits 1 when it
 * threw (the line then carries the error, so a runner still gets one line per benchmark).
 */
export async function runBench(
  name: string,
  main: () => Promise<{ [key: string]: Json }>,
): Promise<void> {
  cleanupOnSignals();
  let result: { [key: string]: Json };
  let failed = false;
  try {
    result = { bench: name, ...(await main()) };
  } catch (e) {
    failed = true;
    const err = e as Error;
    // A BenchFailure says what went wrong; anything else is a bug here, where the stack helps.
    log(`FAILED: ${e instanceof BenchFailure ? err.message : (err.stack ?? err.message)}`);
    result = { bench: name, error: err.message };
  } finally {
    await cleanupAll();
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // Exit explicitly: a stray handle (a pg pool, a kafkajs timer) must not keep a finished run alive.
  process.exit(failed ? 1 : 0);
}
