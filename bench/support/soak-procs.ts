// The processes of the soak (bench/soak.ts): the real CLI as children, each watched through its
// JSON log lines on stderr, and stopped at cleanup.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { onCleanup } from './cleanup.js';
import { ROOT } from './cli-run.js';
import { log } from './log.js';
import { BenchFailure } from './output.js';

const CLI = join(ROOT, 'dist', 'cli.js');

/** A pino log line, as far as the soak reads it. */
export type LogLine = { readonly msg?: string; readonly level?: number } & Readonly<
  Record<string, unknown>
>;

/** A CLI child and what its log said last. */
export interface CliProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The latest line of each message text seen (`ingest progress`, `simulate finished`, ...). */
  readonly latest: Map<string, LogLine>;
  /** Warnings and errors (level ≥ 40), the first 50. */
  readonly problems: string[];
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
}

/** Starts `deloton ARGS` with `env`; resolves once a log line's `msg` matches `ready`. */
export function startCli(
  name: string,
  args: readonly string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<CliProcess> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  onCleanup(`stop ${name}`, async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  const proc: CliProcess = { name, child, latest: new Map(), problems: [], exited };
  return new Promise((resolve, reject) => {
    let partial = '';
    let isReady = false;
    const tail: string[] = [];
    child.stderr?.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const text of lines) {
        tail.push(text);
        if (tail.length > 20) tail.shift();
        let line: LogLine;
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          continue;
        }
        if (typeof line.msg === 'string') proc.latest.set(line.msg, line);
        if ((line.level ?? 0) >= 40 && proc.problems.length < 50)
          proc.problems.push(
            // When, to set beside the lag's spikes: the time of day of the log line.
            `${new Date(typeof line.time === 'number' ? line.time : Date.now()).toISOString().slice(11, 19)} ` +
              `${line.msg ?? ''} ${JSON.stringify(line.err ?? '')}`.slice(0, 300),
          );
        if (!isReady && ready.test(line.msg ?? '')) {
          isReady = true;
          resolve(proc);
        }
      }
    });
    void exited.then((code) => {
      if (!isReady)
        reject(new BenchFailure(`${name} exited ${code} before it was ready: ${tail.join('\n')}`));
      else log(`${name} exited ${code}`);
    });
  });
}

/** A number field of the latest `msg` line of `proc`, or 0. */
export function logNumber(proc: CliProcess, msg: string, field: string): number {
  const v = proc.latest.get(msg)?.[field];
  return typeof v === 'number' ? v : 0;
}

/** Ends a process with SIGTERM (drain and commit) and waits for it. */
export async function stopCli(proc: CliProcess, timeoutMs = 30_000): Promise<number | null> {
  if (proc.child.exitCode !== null) return proc.child.exitCode;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
  const code = await proc.exited;
  clearTimeout(timer);
  return code;
}
