// A database outage pauses the pipeline; it retries with backoff and loses nothing.
import { statSync } from 'node:fs';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchCommitter } from '../src/ingest/batch-committer.js';
import { createFileSource } from '../src/ingest/file-source.js';
import { newPipelineStats } from '../src/ingest/pipeline-stats.js';
import type { IngestBatch } from '../src/store/ingest-batch.js';
import { RideIds } from '../src/store/ride-ids.js';
import { runPipeline } from '../src/ingest/pipeline.js';
import { migrate } from '../src/store/migrate.js';
import type { Db } from '../src/store/db.js';
import { claimPartitions } from '../src/store/partition-owners.repository.js';
import { openPgDb } from '../src/store/pg-db.js';
import { simulateFleet } from '../src/simulator/fleet.js';
import { createPgDatabase } from './support/databases.js';
import { ingestFile, tempFile } from './support/ingest.js';
import { snapshot } from './support/snapshot.js';
import { proxiedPgDb } from './support/proxied-db.js';

/** Waits until `cond` holds (checked every 5 ms), for at most 30 s. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 6_000 && !cond(); i++) await sleep(5);
  expect(cond()).toBe(true);
}

/** A simulated fleet's feed as a file, keys inside the envelope. */
function fleetFeed(bikes: number, ridesPerBike: number, seed: number): string {
  return tempFile(
    [
      ...simulateFleet({
        bikes,
        ridesPerBike,
        seed,
        startMs: Date.UTC(2022, 6, 6),
        abnormalShare: 0,
      }),
    ].map((m) => `${m.value.slice(0, -1)},"key":${JSON.stringify(m.key)}}`),
  );
}

/** The feed ingested into a database of its own, without outages: what the outage run must equal. */
async function reference(feed: string, cleanup: (() => Promise<void>)[]): Promise<Db> {
  const created = await createPgDatabase();
  cleanup.push(created.drop);
  const db = openPgDb(created.url);
  cleanup.push(() => db.close());
  await migrate(db);
  await ingestFile(db, feed);
  return db;
}

/** A logger at warn whose lines are kept, to wait for what the pipeline says. */
function warnings(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino(
    { level: 'warn' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  return { logger, lines };
}

describe('database outage', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('pauses while PostgreSQL is unreachable and ends with every row, once', async () => {
    const feed = fleetFeed(6, 2, 11);
    const refDb = await reference(feed, cleanup);
    const { db, proxy } = await proxiedPgDb(cleanup);
    const { logger, lines: warned } = warnings();
    let commits = 0;
    const run = runPipeline({
      db,
      source: createFileSource({ path: feed, untilIdle: true }),
      feedTimeZone: 'UTC',
      maxBatchMessages: 150,
      maxBatchWaitMs: 50,
      logger,
      signal: new AbortController().signal,
      onCommit: () => void commits++,
    });
    const retries = (): number =>
      warned.filter((w) => w.includes('batch write waits and retries')).length;
    for (const after of [3, 25]) {
      await until(() => commits >= after);
      const before = retries();
      await proxy.down();
      // A commit already on its way back when the link was cut may still land; once a write
      // has failed, none until the link is back, through several retries.
      await until(() => retries() > before);
      const frozen = commits;
      await until(() => retries() >= before + 3);
      expect(commits).toBe(frozen);
      await proxy.up();
    }
    const stats = await run;
    expect(stats.lastError).toBeNull();
    expect(warned.some((w) => w.includes('batch write waits and retries'))).toBe(true);

    const want = await snapshot(refDb);
    const got = await snapshot(db);
    expect(got.readings.length).toBeGreaterThan(5_000);
    expect(got.rides).toEqual(want.rides);
    expect(got.readings).toEqual(want.readings);
    expect(got.riders).toEqual(want.riders);
  });

  it('stops at once when told to during an outage; the next run stores what that batch held', async () => {
    const feed = fleetFeed(3, 1, 12);
    const refDb = await reference(feed, cleanup);
    const { db, proxy } = await proxiedPgDb(cleanup);
    const { logger, lines: warned } = warnings();
    let commits = 0;
    const stop = new AbortController();
    const run = runPipeline({
      db,
      source: createFileSource({ path: feed, untilIdle: true }),
      feedTimeZone: 'UTC',
      maxBatchMessages: 100,
      maxBatchWaitMs: 50,
      logger,
      signal: stop.signal,
      onCommit: () => void commits++,
    });
    await until(() => commits >= 2);
    await proxy.down();
    await until(() => warned.some((w) => w.includes('batch write waits and retries')));
    stop.abort();
    // Without the stop reaching the wait, this would retry for as long as the outage lasts.
    const ended = await Promise.race([run.then(() => 'ended'), sleep(5_000, 'still waiting')]);
    expect(ended).toBe('ended');
    expect(warned.some((w) => w.includes('the last batch was not stored'))).toBe(true);
    await proxy.up();
    const [pos] = await db.query<{ position: number }>('SELECT position FROM source_offsets');
    expect(pos!.position).toBeLessThan(statSync(feed).size);
    await ingestFile(db, feed);
    const want = await snapshot(refDb);
    const got = await snapshot(db);
    expect(got.readings).toEqual(want.readings);
    expect(got.rides).toEqual(want.rides);
  });

  it('writes nothing more once a stop has left a batch unwritten, even when the database is back', async () => {
    const { db, proxy } = await proxiedPgDb(cleanup);
    const stop = new AbortController();
    const committer = new BatchCommitter({
      db,
      source: createFileSource({ path: tempFile([]), untilIdle: true }),
      logger: pino({ level: 'silent' }),
      signal: stop.signal,
      stats: newPipelineStats(),
      onFailure: () => undefined,
    });
    // Claimed, so that only the stop can keep the second batch out, not a fence.
    const epoch = (await claimPartitions(db, 't', [0])).get(0)!;
    const batch = (next: number): IngestBatch => ({
      source: 't',
      started: [],
      readings: [],
      completions: [],
      progress: [],
      rejects: [],
      alerts: [],
      positions: new Map([[0, { next, identity: null, epoch }]]),
      messageCount: 1,
    });
    await proxy.down();
    await committer.submit(batch(10), new RideIds());
    stop.abort();
    await committer.drain();
    await proxy.up();
    // The next batch's positions would pass the lines of the one left behind: it is not written.
    await committer.submit(batch(20), new RideIds());
    await committer.drain();
    expect(await db.query('SELECT position FROM source_offsets')).toEqual([]);
  });

  it('gives up at once on an error no waiting would cure, such as a missing table', async () => {
    const created = await createPgDatabase();
    cleanup.push(created.drop);
    const db = openPgDb(created.url);
    cleanup.push(() => db.close());
    await migrate(db);
    await db.exec('DROP TABLE suppressed_rides');
    const started = Date.now();
    await expect(
      runPipeline({
        db,
        source: createFileSource({ path: tempFile([]), untilIdle: true }),
        feedTimeZone: 'UTC',
        maxBatchMessages: 150,
        maxBatchWaitMs: 50,
        logger: pino({ level: 'silent' }),
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow(/suppressed_rides/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
