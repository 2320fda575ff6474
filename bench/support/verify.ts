// A benchmark that lost or mangled data measured nothing: every count is checked, and any
// difference fails the run (exit 1) naming each count that is off.
import { BenchFailure } from './output.js';

/** Throws unless `got[k]` equals `want[k]` (as numbers: drivers may return counts as strings). */
export function assertCounts(
  what: string,
  got: Readonly<Record<string, unknown>> | undefined,
  want: Readonly<Record<string, number>>,
): void {
  const wrong = Object.entries(want)
    .filter(([k, v]) => Number(got?.[k]) !== v)
    .map(([k, v]) => `${k} ${String(got?.[k])} (expected ${v})`);
  if (wrong.length) throw new BenchFailure(`${what}: data lost or mangled: ${wrong.join(', ')}`);
}
