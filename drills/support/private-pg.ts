// A private PostgreSQL server for the drill that stops one: Debian's initdb and pg_ctl on a free
// port with a data dir under /tmp, run as the `postgres` user when we are root. The machine's own
// server at 5432 is shared and must never be stopped.
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup } from '../../bench/support/cleanup.js';
import { freePort } from '../../bench/support/serve.js';
import { log } from './drill.js';

const BIN = '/usr/lib/postgresql/15/bin';

export interface PrivatePg {
  /** URL of its `postgres` database. */
  readonly adminUrl: string;
  readonly port: number;
  /** `pg_ctl stop -m fast`. */
  stop(): void;
  /** `pg_ctl start`, waiting until it accepts connections. */
  start(): void;
}

function run(args: readonly string[], asPostgres: boolean): void {
  const [cmd, ...rest] = args as [string, ...string[]];
  const res = asPostgres
    ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...rest], { encoding: 'utf8' })
    : spawnSync(cmd, rest, { encoding: 'utf8' });
  if (res.status !== 0)
    throw new Error(`${args.join(' ')} failed (${res.status}): ${res.stderr}${res.stdout}`);
}

/** Creates and starts a server; it is stopped and its directory removed at cleanup. */
export async function startPrivatePg(): Promise<PrivatePg> {
  const asPostgres = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'deloton-drill-pg-'));
  onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  if (asPostgres) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(id.stdout), Number(gid.stdout));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  run([`${BIN}/initdb`, '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'], asPostgres);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  let up = false;
  const start = (): void => {
    run(
      [`${BIN}/pg_ctl`, '-D', data, '-l', join(dir, 'log'), '-o', opts, '-w', 'start'],
      asPostgres,
    );
    up = true;
  };
  const stop = (mode = 'fast'): void => {
    run([`${BIN}/pg_ctl`, '-D', data, '-m', mode, '-w', 'stop'], asPostgres);
    up = false;
  };
  start();
  onCleanup('stop the private PostgreSQL', () => {
    if (up) stop('immediate');
  });
  log(`private PostgreSQL on port ${port} (${data})`);
  return { adminUrl: `postgresql://postgres@127.0.0.1:${port}/postgres`, port, stop, start };
}
