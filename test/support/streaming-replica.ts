// A real primary and streaming replica, made with the server's own tools in a temporary
// directory: `initdb`, `pg_basebackup -R` and `pg_ctl`. Only where those tools are installed.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const BIN_DIRS = ['/usr/lib/postgresql/15/bin', '/usr/local/bin', '/usr/bin'];

function bin(name: string): string | null {
  return BIN_DIRS.map((d) => join(d, name)).find((p) => existsSync(p)) ?? null;
}

/** The server tools; as root, initdb and the servers run as the `postgres` user. */
function tools(): { initdb: string; basebackup: string; pgctl: string; asUser: string[] } | null {
  const [initdb, basebackup, pgctl] = ['initdb', 'pg_basebackup', 'pg_ctl'].map(bin);
  if (!initdb || !basebackup || !pgctl) return null;
  if (userInfo().uid !== 0) return { initdb, basebackup, pgctl, asUser: [] };
  try {
    execFileSync('id', ['postgres'], { stdio: 'ignore' });
    return { initdb, basebackup, pgctl, asUser: ['runuser', '-u', 'postgres', '--'] };
  } catch {
    return null;
  }
}

/** Whether this machine can make a streaming replica (the tools, and a user to run them as). */
export const canMakeStreamingReplica = tools() !== null;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A running primary and its replica (trust auth, user postgres, loopback). */
export interface StreamingPair {
  readonly primaryUrl: (database: string) => string;
  readonly replicaUrl: (database: string) => string;
  readonly stop: () => Promise<void>;
}

/** Makes a primary and a streaming replica of it, each on a free loopback port (a few seconds). */
export async function startStreamingPair(): Promise<StreamingPair> {
  const t = tools();
  if (!t) throw new Error('initdb, pg_basebackup and pg_ctl are not available');
  const dir = mkdtempSync(join(tmpdir(), 'deloton-replica-'));
  if (t.asUser.length) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'])), 0);
  const run = (cmd: string, args: string[]): void => {
    const [exe, ...rest] = [...t.asUser, cmd, ...args];
    execFileSync(exe!, rest, { stdio: 'pipe' });
  };
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const settings = (port: number): string[] => [
    '-o',
    `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off`,
  ];
  const started: string[] = [];
  const stop = (): Promise<void> => {
    for (const d of started.reverse()) {
      try {
        run(t.pgctl, ['-D', d, '-m', 'immediate', 'stop']);
      } catch {
        // Already stopped.
      }
    }
    rmSync(dir, { recursive: true, force: true });
    return Promise.resolve();
  };
  try {
    run(t.initdb, ['-D', join(dir, 'p'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
    const primary = join(dir, 'p');
    run(t.pgctl, [
      '-D',
      primary,
      '-l',
      join(dir, 'p.log'),
      '-w',
      ...settings(primaryPort),
      'start',
    ]);
    started.push(primary);
    const replica = join(dir, 'r');
    run(t.basebackup, [
      ...['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres'],
      ...['-D', replica, '-R', '-X', 'stream'],
    ]);
    run(t.pgctl, [
      '-D',
      replica,
      '-l',
      join(dir, 'r.log'),
      '-w',
      ...settings(replicaPort),
      'start',
    ]);
    started.push(replica);
  } catch (e) {
    await stop();
    throw e;
  }
  const url = (port: number) => (database: string) =>
    `postgresql://postgres@127.0.0.1:${port}/${database}`;
  return { primaryUrl: url(primaryPort), replicaUrl: url(replicaPort), stop };
}
