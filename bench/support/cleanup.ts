// Benchmarks create databases, temp dirs, child processes and a kcat broker; every one of them must
// go again, also when the run fails half-way or is stopped with Ctrl-C.
import { log } from './log.js';

type Step = () => Promise<void> | void;

const steps: { label: string; run: Step }[] = [];

/** Registers a cleanup step; steps run last-registered first, like nested `finally` blocks. */
export function onCleanup(label: string, run: Step): void {
  steps.push({ label, run });
}

/** A point to clean up back to with `cleanupTo`, e.g. at the end of one round of a benchmark. */
export function cleanupMark(): number {
  return steps.length;
}

/** Runs (and forgets) the steps registered since `mark`; a failing step is logged, the rest run. */
export async function cleanupTo(mark: number): Promise<void> {
  while (steps.length > mark) {
    const step = steps.pop();
    if (!step) break;
    try {
      await step.run();
    } catch (e) {
      log(`cleanup "${step.label}" failed: ${(e as Error).message}`);
    }
  }
}

/** Runs every registered step. */
export function cleanupAll(): Promise<void> {
  return cleanupTo(0);
}

let signalsInstalled = false;

/** On SIGINT/SIGTERM: clean up, then exit 130 (a second signal exits at once). */
export function cleanupOnSignals(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  let stopping = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (stopping) process.exit(130);
    stopping = true;
    log(`${sig}: cleaning up`);
    void cleanupAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
