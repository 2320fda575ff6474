// Child processes for the HTTP benchmarks: a free port, a child started until it says it is
// ready, and `deloton serve` on a database until its /health answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { onCleanup } from './cleanup.js';
import { ROOT } from './cli-run.js';
import { BenchFailure } from './output.js';

/** A TCP port free on loopback now. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** Starts a child and resolves once its stdout or stderr shows `ready`; it is stopped at cleanup. */
export async function startChild(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onCleanup(`stop ${args.join(' ')}`, async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
  });
  let seen = '';
  return new Promise((resolve, reject) => {
    const on = (d: Buffer) => {
      seen += d.toString();
      const m = ready.exec(seen);
      if (m) resolve({ child, match: m });
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.once('exit', (code) =>
      reject(new BenchFailure(`${args.join(' ')} exited ${code}: ${seen.slice(-2000)}`)),
    );
  });
}

/** `deloton serve` (the built CLI) on `databaseUrl`, once its /health answers; returns its base URL. */
export async function startServe(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<string> {
  return (await startServeProcess(databaseUrl, env)).base;
}

/** `startServe`, also giving the process (to measure its CPU). */
export async function startServeProcess(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const { child } = await startChild(
    [join(ROOT, 'dist', 'cli.js'), 'serve'],
    { DATABASE_URL: databaseUrl, PORT: String(port), LOG_LEVEL: 'info', ...env },
    /http server listening/,
  );
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${base}/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return { base, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new BenchFailure(`deloton serve at ${base} never answered /health`);
}
