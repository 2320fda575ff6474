// Runs the built CLI (`node dist/cli.js`) as a child process, the way an operator runs it, and
// measures it from outside: wall time, RSS over time, and the JSON log lines it printed.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BenchFailure } from './output.js';
import { onCleanup } from './cleanup.js';
import { log } from './log.js';
import { rssSummary, sampleRss } from './rss.js';

export const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

/** One pino line: what the benchmarks read from it. */
export interface LogLine {
  readonly msg?: string;
  readonly time?: number;
  readonly level?: number;
  readonly [field: string]: unknown;
}

export interface CliRun {
  readonly wallMs: number;
  readonly maxRssMb: number;
  readonly rssFirstHalfMb: number;
  readonly rssSecondHalfMb: number;
  /** Parsed JSON log lines (stderr); other lines are kept in `otherStderr`. */
  readonly logs: readonly LogLine[];
  readonly otherStderr: string;
}

/** Builds dist/ once, so the CLI measured is the current source. */
export function buildDist(): void {
  log('npm run build');
  // npm's own stdout goes to our stderr: stdout is reserved for the JSON line.
  const res = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (res.status !== 0) throw new BenchFailure(`npm run build failed (exit ${res.status})`);
}

function parseLine(line: string): LogLine | null {
  if (!line.startsWith('{')) return null;
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null ? (v as LogLine) : null;
  } catch {
    return null;
  }
}

/**
 * Runs `node dist/cli.js ...args` with `env` added to ours; fails unless it exits 0. RSS is
 * sampled every `rssEveryMs` (a short run needs short intervals to catch its peak).
 */
export async function runCli(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
  rssEveryMs = 100,
): Promise<CliRun> {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new BenchFailure('the CLI did not start');
  onCleanup(`kill cli ${pid}`, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const rss = sampleRss(pid, rssEveryMs);
  const logs: LogLine[] = [];
  let other = '';
  let partial = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const parsed = parseLine(line);
      if (parsed) logs.push(parsed);
      // Keep only the tail of anything unexpected: it is for the error message.
      else other = (other + line + '\n').slice(-4000);
    }
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (c, s) => resolve([c, s])),
  );
  const wallMs = Date.now() - started;
  const samples = rss.stop();
  if (code !== 0) {
    const tail = logs.slice(-5).map((l) => JSON.stringify(l));
    throw new BenchFailure(
      `deloton ${args.join(' ')} exited with ${code ?? signal}:\n${tail.join('\n')}\n${other}`,
    );
  }
  const run: CliRun = { wallMs, ...rssSummary(samples), logs, otherStderr: other };
  return run;
}

/** The first log line with this `msg`, or a failure naming what is missing. */
export function logLine(run: CliRun, msg: string): LogLine {
  const line = run.logs.find((l) => l.msg === msg);
  if (!line) throw new BenchFailure(`the CLI never logged "${msg}"`);
  return line;
}

/** A numeric field of a log line, or a failure. */
export function numberField(line: LogLine, field: string): number {
  const v = line[field];
  if (typeof v !== 'number') throw new BenchFailure(`log "${line.msg}" has no number "${field}"`);
  return v;
}
