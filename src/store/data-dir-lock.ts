import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { DelotonError } from '../domain/errors.js';

// The lock holds "pid start-time": a pid alone is reused (a container's PID 1 after a restart,
// any pid after a reboot), a pid with the kernel's start time of that process is not.

/** The kernel's start time of a process (clock ticks since boot), or null without /proc. */
function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name, in parentheses, may hold spaces: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Whether the process that wrote `content` still runs. */
function ownerRuns(content: string): boolean {
  const [pidText = '', start = ''] = content.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) return false;
  const now = startTimeOf(pid);
  // Without /proc (macOS) the pid is all there is to go by.
  return now === null || start === '' || now === start;
}

const openHere = new Set<string>();

/**
 * The error for a data directory the process cannot write (read-only, disk full, no access):
 * named, with the system's reason, instead of a stack trace from deep in the start-up.
 */
export function unwritableDataDir(dir: string, e: unknown): DelotonError {
  // Node's message is "EROFS: read-only file system, open '<path>'": the path is named below.
  const why = (e as Error).message.split(', ')[0];
  return new DelotonError(
    'db_unavailable',
    `cannot write to the embedded database's directory ${dir} (${why}): make it writable or ` +
      'free space on its disk, then start again; nothing was written',
    { cause: e },
  );
}

/** Writes the lock's content to `tmp`; on failure removes what was created (an empty file). */
function writeLockFile(dir: string, tmp: string, content: string): void {
  try {
    writeFileSync(tmp, content);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing was created
    }
    throw unwritableDataDir(dir, e);
  }
}

/**
 * Takes `${dir}.lock` for this process, or says who holds it. Two PGlite instances on one
 * directory corrupt it, and a second `deloton` command (say `keys create` beside `start`) would
 * do just that. Returns the release function.
 */
export function lockDataDir(dir: string): () => void {
  if (openHere.has(dir))
    throw new DelotonError('db_unavailable', `the embedded database at ${dir} is already open`);
  const path = `${dir}.lock`;
  const mine = `${process.pid} ${startTimeOf(process.pid) ?? ''}`;
  const tmp = `${path}.${process.pid}.tmp`;
  for (let attempt = 0; attempt < 5; attempt++) {
    // Written whole, then linked into place: no one ever reads a half-written lock.
    writeLockFile(dir, tmp, mine);
    try {
      try {
        linkSync(tmp, path);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
        // A filesystem without hard links (exFAT, some network mounts): exclusive create.
        writeFileSync(path, mine, { flag: 'wx' });
      }
      rmSync(tmp, { force: true });
      openHere.add(dir);
      return () => {
        openHere.delete(dir);
        try {
          if (readFileSync(path, 'utf8') === mine) rmSync(path, { force: true });
        } catch {
          // already gone
        }
      };
    } catch (e) {
      rmSync(tmp, { force: true });
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let held: string;
    try {
      held = readFileSync(path, 'utf8');
    } catch {
      continue; // released meanwhile
    }
    if (ownerRuns(held)) {
      const pid = held.trim().split(' ')[0];
      throw new DelotonError(
        'db_unavailable',
        `the embedded database at ${dir} is in use by process ${pid}: stop that process ` +
          'first, or set DATABASE_URL so that several processes can share a PostgreSQL server',
      );
    }
    // Stale: move it aside atomically, and put it back if what moved was someone's fresh lock.
    const aside = `${path}.stale.${process.pid}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    if (readFileSync(aside, 'utf8') !== held) {
      try {
        linkSync(aside, path);
      } catch {
        // someone else holds it now; the next attempt will see them
      }
    }
    rmSync(aside, { force: true });
  }
  throw new DelotonError('db_unavailable', `cannot lock the embedded database at ${dir}`);
}
