import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir } from './data-dir-lock.js';

const stat = (pid: number): string => {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2).split(' ')[19]!;
};

describe('embedded data directory lock', () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterEach(() => children.splice(0).forEach((c) => c.kill()));
  const dir = () => join(mkdtempSync(join(tmpdir(), 'deloton-lock-unit-')), 'pgdata');
  const sleeper = async () => {
    const c = spawn('sleep', ['30']);
    children.push(c);
    await new Promise((r) => c.once('spawn', r));
    return c.pid!;
  };

  it('names a directory it cannot write, with the reason, and leaves no file behind', () => {
    // A path under a regular file: writing fails as on a read-only or full disk, also for root.
    const file = join(mkdtempSync(join(tmpdir(), 'deloton-lock-unit-')), 'not-a-dir');
    writeFileSync(file, '');
    const d = join(file, 'pgdata');
    expect(() => lockDataDir(d)).toThrow(
      expect.objectContaining({
        code: 'db_unavailable',
        message: expect.stringMatching(
          new RegExp(`^cannot write to the embedded database's directory ${d} \\(ENOTDIR: `),
        ) as unknown,
      }),
    );
    // The lock was not taken: the same process may try again once the disk is fixed.
    expect(() => lockDataDir(d)).toThrow(/cannot write/);
  });

  it('is held once per process and released only by its holder', () => {
    const d = dir();
    const release = lockDataDir(d);
    expect(() => lockDataDir(d)).toThrow(/already open/);
    release();
    const again = lockDataDir(d);
    // A lock someone else wrote meanwhile is not ours to remove.
    writeFileSync(`${d}.lock`, '1 1');
    again();
    expect(existsSync(`${d}.lock`)).toBe(true);
  });

  it('refuses while the recorded process runs, and takes over when it has gone or is another', async () => {
    const d = dir();
    const pid = await sleeper();
    writeFileSync(`${d}.lock`, `${pid} ${stat(pid)}`);
    expect(() => lockDataDir(d)).toThrow(new RegExp(`in use by process ${pid}`));
    // Same pid, other start time: the pid was reused after a crash.
    writeFileSync(`${d}.lock`, `${pid} 1`);
    lockDataDir(d)();
    // A process that no longer exists.
    writeFileSync(`${d}.lock`, '2147483646 5');
    const release = lockDataDir(d);
    expect(readFileSync(`${d}.lock`, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    release();
    expect(existsSync(`${d}.lock`)).toBe(false);
  });
});
