// SIGKILL at random points, restart, repeat: the tables end up exactly as after one clean run.
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgDb } from '../src/store/pg-db.js';
import { runCli, spawnCli } from './support/cli.js';
import { createPgDatabase } from './support/databases.js';
import { snapshot } from './support/snapshot.js';

describe('crash safety', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deloton-crash-'));
  const feed = join(dir, 'feed.jsonl');
  const dbs: { url: string; drop: () => Promise<void> }[] = [];

  beforeAll(async () => {
    const sim = await runCli([
      'simulate',
      '--bikes',
      '20',
      '--rides-per-bike',
      '4',
      '--seed',
      '7',
      '--fast',
      '--start',
      '2022-07-06T08:00:00Z',
      '--abnormal-share',
      '0.2',
      '--out',
      feed,
    ]);
    expect(sim.code, sim.stderr).toBe(0);
  });
  afterAll(async () => {
    for (const d of dbs) await d.drop();
  });

  it('a run killed with SIGKILL several times and restarted equals one clean run, row for row', async () => {
    const clean = await createPgDatabase();
    const crashed = await createPgDatabase();
    dbs.push(clean, crashed);
    // Small batches: many commits, so the kills land between and inside transactions.
    const env = (url: string) => ({ DATABASE_URL: url, INGEST_BATCH_MESSAGES: '300' });
    const args = ['ingest', '--source', `file:${feed}`, '--until-idle'];

    const ok = await runCli(args, env(clean.url));
    expect(ok.code, ok.stderr).toBe(0);

    // Kill points: random shares of the file, each reached by a restarted process.
    const size = statSync(feed).size;
    const points = Array.from({ length: 4 }, () => 0.1 + Math.random() * 0.8).sort();
    const watcher = openPgDb(crashed.url);
    let kills = 0;
    try {
      for (const share of points) {
        const child = spawnCli(args, env(crashed.url));
        const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
        for (;;) {
          if (child.exitCode !== null) break;
          const [row] = await watcher
            .query<{ position: number }>('SELECT position FROM source_offsets')
            .catch(() => []);
          if (row && row.position >= share * size) {
            if (child.kill('SIGKILL')) kills++;
            break;
          }
          await sleep(5);
        }
        await exited;
      }
    } finally {
      await watcher.close();
    }
    expect(kills).toBeGreaterThanOrEqual(3);
    const last = await runCli(args, env(crashed.url));
    expect(last.code, last.stderr).toBe(0);

    const a = openPgDb(clean.url);
    const b = openPgDb(crashed.url);
    try {
      const want = await snapshot(a);
      const got = await snapshot(b);
      expect(want.readings.length).toBeGreaterThan(10_000);
      expect(got.rides).toEqual(want.rides);
      expect(got.riders).toEqual(want.riders);
      expect(got.readings.length).toBe(want.readings.length);
      expect(got.readings).toEqual(want.readings);
      expect(got.rejected).toEqual(want.rejected);
      expect(got.offsets).toEqual(want.offsets);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('SIGINT commits what was read and exits 130 before the end; the next run finishes the file', async () => {
    const target = await createPgDatabase();
    dbs.push(target);
    const env = { DATABASE_URL: target.url, INGEST_BATCH_MESSAGES: '300', LOG_LEVEL: 'info' };
    const args = ['ingest', '--source', `file:${feed}`, '--until-idle'];
    const child = spawnCli(args, env);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const db = openPgDb(target.url);
    try {
      for (;;) {
        const [row] = await db
          .query<{ position: number }>('SELECT position FROM source_offsets')
          .catch(() => []);
        if (row && row.position > 0) break;
        await sleep(5);
      }
      child.kill('SIGINT');
      expect(await exited, stderr).toBe(130);
      const [stopped] = await db.query<{ position: number }>('SELECT position FROM source_offsets');
      expect(stopped!.position).toBeLessThan(statSync(feed).size);
      expect(stderr).toMatch(/shutting down: finishing the current batch/);
      const rest = await runCli(args, env);
      expect(rest.code, rest.stderr).toBe(0);
      const [done] = await db.query<{ position: number }>('SELECT position FROM source_offsets');
      expect(done!.position).toBe(statSync(feed).size);
    } finally {
      await db.close();
    }
  });
});
