// The shape every drill shares: progress on stderr, exactly one JSON line on stdout (`drill`,
// `pass`, the figures, `error` when it failed), exit 1 on failure, and everything it started
// cleaned up, also on Ctrl-C (bench/support/cleanup.ts).
import { cleanupAll } from '../../bench/support/cleanup.js';
import { buildDist } from '../../bench/support/cli-run.js';
import type { Json } from '../../bench/support/output.js';

/** Progress for humans, on stderr: stdout is reserved for the one JSON line. */
export function log(message: string): void {
  process.stderr.write(`[drill ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** The figures a drill reports, and the checks it failed (none: it passed). */
export interface DrillResult {
  readonly figures: { [key: string]: Json };
  readonly failures: readonly string[];
}

/** Collects a drill's checks: each `check(ok, what)` that fails is named in `error`. */
export class Checks {
  readonly failures: string[] = [];
  check(ok: boolean, what: string): void {
    if (!ok) {
      this.failures.push(what);
      log(`CHECK FAILED: ${what}`);
    }
  }
}

/** Seconds with one decimal: drills report recovery times, not benchmarks. */
export const seconds = (ms: number): number => Math.round(ms / 100) / 10;

/** `npm run build`, so the CLI driven is the current source; run-all builds once and passes `--no-build`. */
export function build(): void {
  if (!process.argv.includes('--no-build')) buildDist();
}

/** Runs a drill: prints its line, cleans up, and exits 1 unless every check held. */
export async function runDrill(name: string, main: () => Promise<DrillResult>): Promise<void> {
  // Ctrl-C: clean up, and still end with the one line a runner expects (a second signal exits).
  let stopping = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (stopping) process.exit(130);
    stopping = true;
    log(`${sig}: cleaning up`);
    void cleanupAll().finally(() => {
      const line = { drill: name, pass: false, error: `interrupted (${sig})` };
      process.stdout.write(`${JSON.stringify(line)}\n`);
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let line: { [key: string]: Json };
  let pass = false;
  try {
    const { figures, failures } = await main();
    pass = failures.length === 0;
    line = { drill: name, pass, ...figures, ...(pass ? {} : { error: failures.join('; ') }) };
  } catch (e) {
    const err = e as Error;
    log(`FAILED: ${err.stack ?? err.message}`);
    line = { drill: name, pass: false, error: err.message };
  } finally {
    await cleanupAll();
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
  // A stray handle (a pg pool, a kafkajs timer) must not keep a finished drill alive.
  process.exit(pass ? 0 : 1);
}
