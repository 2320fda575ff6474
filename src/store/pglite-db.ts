import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { DelotonError } from '../domain/errors.js';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Db, Queryable, SqlParam } from './db.js';

// Same value shapes as the pg adapter: int8 as number, date as text.
const parsers = {
  20: (v: string) => Number(v),
  1082: (v: string) => v,
};

function wrap(q: PGlite | Transaction): Queryable {
  return {
    async query<R extends object>(sql: string, params?: readonly SqlParam[]): Promise<R[]> {
      const res = await q.query<R>(sql, params as unknown[] | undefined);
      return res.rows;
    },
    async exec(sql: string): Promise<void> {
      await q.exec(sql);
    },
    async copyText(table: string, columns: readonly string[], text: string): Promise<void> {
      await q.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`, [], {
        blob: new Blob([text]),
      });
    },
  };
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

// Data directories this process has open: a second open here is a bug, not a stale lock.
const openHere = new Set<string>();

/**
 * Whether the lock's owner still runs. After a crash and restart (a container's PID 1, a reboot)
 * the recorded pid may be ours or belong to an unrelated program: neither holds the directory.
 */
function ownerRuns(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) return false;
  try {
    // Arguments are NUL-separated: look for the CLI script or the `deloton` bin among them.
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /(^|\0|\/)(cli\.[jt]s|deloton)(\0|$)/.test(cmdline);
  } catch {
    // No /proc (macOS): trust the pid.
    return true;
  }
}

/**
 * Takes the data directory for this process: two PGlite instances on one directory corrupt it,
 * and a second `deloton` command (say `keys create` beside `start`) would do just that.
 */
function lockDataDir(dataDir: string): () => void {
  if (openHere.has(dataDir))
    throw new DelotonError('db_unavailable', `the embedded database at ${dataDir} is already open`);
  const path = `${dataDir}.lock`;
  const mine = String(process.pid);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, mine);
      closeSync(fd);
      openHere.add(dataDir);
      return () => {
        openHere.delete(dataDir);
        // Remove the lock only while it is still ours.
        try {
          if (readFileSync(path, 'utf8').trim() === mine) rmSync(path, { force: true });
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (ownerRuns(pid))
        throw new DelotonError(
          'db_unavailable',
          `the embedded database at ${dataDir} is in use by process ${pid}: stop that process ` +
            'first, or set DATABASE_URL so that several processes can share a PostgreSQL server',
        );
      // Left by a process that died: take it over.
      rmSync(path, { force: true });
    }
  }
  throw new DelotonError('db_unavailable', `cannot lock the embedded database at ${dataDir}`);
}

/** Opens embedded PostgreSQL (PGlite), persisted under `dataDir`, or in memory when it is null. */
export async function openPgliteDb(dataDir: string | null): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const unlock = dataDir ? lockDataDir(dataDir) : () => undefined;
  let pg: PGlite;
  try {
    pg = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      parsers,
      relaxedDurability: false,
    });
  } catch (e) {
    unlock();
    throw e;
  }
  const base = wrap(pg);
  return {
    kind: 'pglite',
    location: dataDir ? `PGlite at ${dataDir}` : 'PGlite in memory',
    ...base,
    // `durable` is ignored: an embedded database shares the fate of its process anyway.
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return pg.transaction((tx) => fn(wrap(tx)));
    },
    async listen(channel, onPayload) {
      const unsub = await pg.listen(channel, onPayload);
      return () => unsub();
    },
    async close() {
      try {
        await pg.close();
      } finally {
        unlock();
      }
    },
  };
}
