// The built CLI (`node dist/cli.js ...`) as child processes, the way an operator runs it: each is
// stopped at cleanup, and the tail of what it printed is kept for the error message.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { onCleanup } from '../../bench/support/cleanup.js';
import { ROOT } from '../../bench/support/cli-run.js';
import { log } from './drill.js';

const CLI = join(ROOT, 'dist', 'cli.js');

export interface Deloton {
  readonly child: ChildProcess;
  /** Resolves when the process has exited, with how. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last few KiB of its stderr and stdout (pino's JSON lines, or a crash's text). */
  readonly output: () => string;
  /** Whether it is still running. */
  readonly running: () => boolean;
  /** Sends `signal` and waits for the exit (SIGKILL after 10 s if it would not go). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A logged `err`: the message pino or our own code put there. */
function errText(err: unknown): string {
  if (typeof err === 'string') return err;
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : JSON.stringify(err);
}

function parseLog(line: string): { level?: unknown; msg?: unknown; err?: unknown } | null {
  if (!line.startsWith('{')) return null;
  try {
    return JSON.parse(line) as { level?: unknown; msg?: unknown; err?: unknown };
  } catch {
    return null;
  }
}

/** Starts `deloton ...args` with `env` added to ours (LOG_LEVEL info unless set). */
export function deloton(args: readonly string[], env: Record<string, string>): Deloton {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', HOST: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let partial = '';
  const keep = (d: Buffer): void => {
    out = (out + d.toString()).slice(-8000);
  };
  // Warnings and errors are progress worth seeing: they show what the process makes of a fault.
  const echo = (d: Buffer): void => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const l = parseLog(line);
      if (l && typeof l.level === 'number' && l.level >= 40)
        log(`  ${args[0]} ${child.pid}: ${String(l.msg)}${l.err ? ` (${errText(l.err)})` : ''}`);
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.stderr.on('data', echo);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (running()) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const how = await exited;
    clearTimeout(timer);
    return how;
  };
  onCleanup(`stop deloton ${args[0]} (${child.pid})`, async () => {
    await stop();
  });
  log(`started deloton ${args.join(' ')} (pid ${child.pid})`);
  return { child, exited, output: () => out, running, stop };
}

/** Runs `deloton ...args` to its end; fails unless it exits 0. Returns its stdout and stderr. */
export async function delotonRun(
  args: readonly string[],
  env: Record<string, string>,
): Promise<string> {
  const p = deloton(args, env);
  const { code, signal } = await p.exited;
  if (code !== 0)
    throw new Error(
      `deloton ${args.join(' ')} exited with ${code ?? signal}: ${p.output().slice(-2000)}`,
    );
  return p.output();
}

/** `deloton keys create`: the key is alone on the last line of its stdout. */
export async function createApiKey(env: Record<string, string>): Promise<string> {
  const out = await delotonRun(['keys', 'create', '--role', 'admin', '--name', 'drill'], {
    ...env,
    LOG_LEVEL: 'warn',
  });
  const key = out
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('{'))
    .at(-1)
    ?.trim();
  if (!key) throw new Error(`keys create printed no key: ${out}`);
  return key;
}
