// Drill: the embedded database's disk full, then its directory read-only, under `deloton start`
// (PGlite, ingest from a real-time file feed, the API). Full: the pipeline waits with the
// system's reason in its log and resumes when space returns, with no restart. Read-only: a
// running process cannot have its mount made read-only (the kernel refuses while files are open
// for writing), so the drill stops it, remounts read-only and starts it: it must exit at once
// with a clear error, and a start once the disk is writable again must resume exactly. At the
// end the data directory must open and equal one clean run (no corruption).
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { onCleanup } from '../bench/support/cleanup.js';
import { numberArg } from '../bench/support/args.js';
import { freePort } from '../bench/support/serve.js';
import { openPgliteDb } from '../src/store/pglite-db.js';
import { build, Checks, log, runDrill, seconds } from './support/drill.js';
import { startFeeder } from './support/feeder.js';
import { createApiKey, deloton, delotonRun, type Deloton } from './support/procs.js';
import {
  compareWithReference,
  LAG_TARGET_S,
  checkLagBack,
  checkSameAsReference,
} from './support/verify.js';

const HOLD_S = numberArg('hold', 20);

function sh(cmd: string, args: readonly string[]): void {
  const res = spawnSync(cmd, args, { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${res.stderr}`);
}

/** Fills the filesystem of `path` to the last byte; returns the bytes written. */
function fill(path: string): number {
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    for (const size of [1 << 20, 1 << 12, 1]) {
      const chunk = Buffer.alloc(size);
      try {
        for (;;) bytes += writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      }
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** The JSON log lines (pino) in a process's output. */
function logLines(output: string): { msg?: unknown; err?: unknown }[] {
  return output.split('\n').flatMap((l) => {
    try {
      return l.startsWith('{') ? [JSON.parse(l) as { msg?: unknown; err?: unknown }] : [];
    } catch {
      return [];
    }
  });
}

/**
 * The feed lag as /metrics defines it (now minus the newest reading of any open ride), read
 * through the API: a second process may not open an embedded database beside its owner.
 */
async function apiLagS(base: string, key: string): Promise<number | null> {
  try {
    const r = await fetch(`${base}/api/rides?limit=200`, {
      headers: { authorization: `Bearer ${key}` },
      signal: AbortSignal.timeout(3000),
    });
    if (!r.ok) return null;
    const body = (await r.json()) as {
      data: { started_at: string; ended_at: string | null; duration_s: number }[];
    };
    const ends = body.data
      .filter((x) => x.ended_at === null)
      .map((x) => Date.parse(x.started_at) + x.duration_s * 1000);
    return ends.length ? (Date.now() - Math.max(...ends)) / 1000 : null;
  } catch {
    return null;
  }
}

/** Seconds from `since` until the API's lag is under 1 s, and the median of five samples after. */
async function apiLagRecovery(base: string, key: string, since: number) {
  let recoveryS: number | null = null;
  while (Date.now() - since < 60_000) {
    const lag = await apiLagS(base, key);
    if (lag !== null && lag < LAG_TARGET_S) {
      recoveryS = seconds(Date.now() - since);
      break;
    }
    await sleep(100);
  }
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    await sleep(500);
    samples.push((await apiLagS(base, key)) ?? Infinity);
  }
  samples.sort((a, b) => a - b);
  const lagAfterS = Math.round((samples[2] ?? Infinity) * 1000) / 1000;
  log(`lag under 1 s after ${recoveryS} s; median of five samples after: ${lagAfterS} s`);
  return { recoveryS, lagAfterS };
}

await runDrill('pglite-disk', async () => {
  build();
  if (process.getuid?.() !== 0) throw new Error('this drill mounts a tmpfs: run it as root');
  const checks = new Checks();
  const dir = mkdtempSync(join(tmpdir(), 'deloton-drill-pglite-'));
  onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const mnt = join(dir, 'disk');
  mkdirSync(mnt);
  sh('mount', ['-t', 'tmpfs', '-o', 'size=128m', 'tmpfs', mnt]);
  // Registered before any process: cleanup runs backwards, so they are stopped first.
  onCleanup(`unmount ${mnt}`, () => sh('umount', [mnt]));
  const feed = join(dir, 'feed.jsonl');
  const dataDir = join(mnt, 'data');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: '' };
  const key = await createApiKey(env);
  const feeder = startFeeder({
    target: { kind: 'file', path: feed },
    bikes: 40,
    seed: 55,
    abnormalShare: 0.3,
    backlogS: 30,
  });
  const start = async (): Promise<Deloton> => {
    const p = deloton(['start', '--source', `file:${feed}`], env);
    for (let i = 0; i < 200 && p.running(); i++) {
      if (
        await fetch(`${base}/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return p;
      await sleep(100);
    }
    throw new Error(`deloton start never answered /health: ${p.output().slice(-1500)}`);
  };

  // 1. Disk full while running.
  let p = await start();
  await apiLagRecovery(base, key, Date.now());
  const filler = join(mnt, 'filler');
  const filled = fill(filler);
  const fullAt = Date.now();
  log(`disk full (${Math.round(filled / 2 ** 20)} MiB of filler); holding ${HOLD_S} s`);
  await sleep(HOLD_S * 1000);
  const whileFull = p.output();
  const fullLog = logLines(whileFull).find((l) => /No space left|ENOSPC/.test(String(l.err)));
  const fullError = fullLog ? `${String(fullLog.msg)}: ${String(fullLog.err)}` : null;
  const lagWhileFullS = await apiLagS(base, key);
  checks.check(p.running(), `deloton start exited on a full disk: ${whileFull.slice(-1500)}`);
  checks.check(fullError !== null, 'no log line named the full disk');
  const healthFull = await fetch(`${base}/health`).then(
    (r) => r.status,
    () => null,
  );
  rmSync(filler);
  const freedAt = Date.now();
  log('space returned');
  const afterFull = await apiLagRecovery(base, key, freedAt);
  checkLagBack(checks, afterFull.lagAfterS, 'lag after the disk had space again:');

  // 2. Read-only directory at a start.
  await p.stop();
  sh('mount', ['-o', 'remount,ro', mnt]);
  const ro = deloton(['start', '--source', `file:${feed}`], env);
  const roExit = await ro.exited;
  const roMessage = ro
    .output()
    .split('\n')
    .find((l) => l.startsWith('deloton: '));
  log(`start on a read-only disk: exit ${roExit.code}, "${roMessage}"`);
  checks.check(
    roExit.code === 1,
    `start on a read-only disk exited ${roExit.code ?? roExit.signal}`,
  );
  checks.check(
    roMessage?.includes('read-only file system') === true,
    `no clear error on a read-only disk: ${ro.output().slice(-800)}`,
  );
  await sleep(5000);
  sh('mount', ['-o', 'remount,rw', mnt]);
  const rwAt = Date.now();
  p = await start();
  const afterRo = await apiLagRecovery(base, key, rwAt);
  checkLagBack(checks, afterRo.lagAfterS, 'lag after the restart on a writable disk:');

  // 3. The end state: stop, then compare the data directory with one clean run.
  const messages = await feeder.stop();
  await sleep(2000);
  const stopped = await p.stop();
  checks.check(
    stopped.code === 0,
    `deloton start exited ${stopped.code ?? stopped.signal} on SIGTERM`,
  );
  // Whatever the last process had not read yet (the feed's last lines): a restart reads it exactly.
  await delotonRun(['ingest', '--source', `file:${feed}`, '--until-idle'], {
    ...env,
    LOG_LEVEL: 'warn',
  });
  const refDir = join(dir, 'reference');
  await delotonRun(['ingest', '--source', `file:${feed}`, '--until-idle'], {
    DATA_DIR: refDir,
    DATABASE_URL: '',
    LOG_LEVEL: 'warn',
  });
  const stray = readdirSync(dataDir).filter((f) => f.endsWith('.tmp') || f.includes('.stale.'));
  checks.check(stray.length === 0, `stray files in the data dir: ${stray.join(', ')}`);
  const got = await openPgliteDb(join(dataDir, 'pgdata'));
  onCleanup('close the drilled PGlite', () => got.close());
  const want = await openPgliteDb(join(refDir, 'pgdata'));
  onCleanup('close the reference PGlite', () => want.close());
  const cmp = await compareWithReference(got, want, 0);
  checkSameAsReference(checks, cmp, 'data dir');
  return {
    failures: checks.failures,
    figures: {
      fullSeconds: seconds(freedAt - fullAt),
      fullError,
      lagWhileFullS: lagWhileFullS === null ? null : Math.round(lagWhileFullS * 10) / 10,
      healthWhileFull: healthFull,
      recoveryAfterFullS: afterFull.recoveryS,
      lagAfterFullS: afterFull.lagAfterS,
      readOnlyExit: roExit.code,
      readOnlyError: roMessage ?? null,
      recoveryAfterReadOnlyS: afterRo.recoveryS,
      lagAfterS: afterRo.lagAfterS,
      messages,
      rowsCompared: cmp.rowsCompared,
      ...cmp.counts,
    },
  };
});
