// Deletions and erasures meet a running ingest: a batch racing an erasure, a replay, a restart
// in the middle of an erased ride, a ride deleted while ingest holds it open. Nothing deleted
// comes back and nothing is left without its ride.
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { DEFAULT_ALERT_SETTINGS } from '../src/domain/heart-rate.js';
import { createFileSource } from '../src/ingest/file-source.js';
import { runPipeline, type PipelineStats } from '../src/ingest/pipeline.js';
import type { Db } from '../src/store/db.js';
import { eraseRider } from '../src/store/riders.repository.js';
import { apiHarness, type ApiHarness } from './support/api.js';
import { describeEachDb, rowCounter } from './support/databases.js';
import { ingestFile, silent, tempFile } from './support/ingest.js';
import { simFileFeed } from './support/sim-feed.js';

const LATER = Date.UTC(2022, 6, 8);

/** A pipeline following a growing file, as `deloton ingest` without --until-idle does. */
function follow(db: Db, path: string, signal: AbortSignal): Promise<PipelineStats> {
  return runPipeline({
    db,
    source: createFileSource({ path, untilIdle: false, pollMs: 20 }),
    feedTimeZone: 'UTC',
    maxBatchMessages: 500,
    maxBatchWaitMs: 20,
    logger: silent,
    signal,
    alerts: DEFAULT_ALERT_SETTINGS,
  });
}

describeEachDb('deletions against a running ingest', (get) => {
  let api: ApiHarness | undefined;
  afterEach(async () => api?.close());
  const count = rowCounter(get);
  /** Waits until ingest has stored its position at `n` bytes of the followed file, or past it. */
  const reached = async (n: number): Promise<void> => {
    for (let i = 0; i < 400 && (await count('source_offsets WHERE position >= $1', [n])) === 0; i++)
      await sleep(25);
  };

  it('keeps an erased rider erased against a replay racing the erasure, and stores their later rides', async () => {
    const { db } = get();
    const feed = simFileFeed({
      bikes: 2,
      ridesPerBike: 1,
      seed: 21,
      startMs: Date.UTC(2022, 6, 6, 9),
      abnormalShare: 0,
    });
    await ingestFile(db, tempFile(feed.lines));
    const erased = feed.truths[0]!.userId;
    const other = feed.truths.find((t) => t.userId !== erased)!.userId;
    const otherReadings = await count(
      'readings WHERE ride_id IN (SELECT ride_id FROM rides WHERE rider_id = $1)',
      [other],
    );
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let held = (): void => undefined;
    const holding = new Promise<void>((r) => (held = r));
    // The erasure is done but not committed while the whole feed is replayed from a new file.
    const erasing = db.transaction(async (tx) => {
      const record = await eraseRider(tx, erased, 'test');
      held();
      await gate;
      return record;
    });
    await holding;
    // The replay meets the erasure: on PGlite its first statement queues behind the erasure's
    // transaction; on PostgreSQL its first batch is seen waiting for the erasure lock.
    let started = (): void => undefined;
    const replayStarted = new Promise<void>((r) => (started = r));
    const watched: Db = {
      ...db,
      query: (sql, params) => {
        started();
        return db.query(sql, params);
      },
    };
    const replay = ingestFile(watched, tempFile(feed.lines));
    await replayStarted;
    if (get().kind === 'postgres')
      for (
        let i = 0;
        i < 2_000 && (await count("pg_locks WHERE locktype = 'advisory' AND NOT granted")) === 0;
        i++
      )
        await sleep(5);
    release();
    expect(await erasing).toMatchObject({ rider_id: erased, rides_deleted: 1 });
    await replay;
    expect(await count('riders WHERE rider_id = $1', [erased])).toBe(0);
    expect(await count('rides WHERE rider_id = $1', [erased])).toBe(0);
    expect(await count('readings WHERE ride_id NOT IN (SELECT ride_id FROM rides)')).toBe(0);
    expect(
      await count('readings WHERE ride_id IN (SELECT ride_id FROM rides WHERE rider_id = $1)', [
        other,
      ]),
    ).toBe(otherReadings);

    // A ride that starts after the erasure is new data, and is stored.
    const later = simFileFeed({
      bikes: 1,
      ridesPerBike: 1,
      seed: 4,
      startMs: Date.now() + 60_000,
      abnormalShare: 0,
      firstUserId: erased,
    });
    expect(later.truths[0]!.userId).toBe(erased);
    await ingestFile(db, tempFile(later.lines));
    expect(await count('riders WHERE rider_id = $1', [erased])).toBe(1);
    expect(await count('rides WHERE rider_id = $1', [erased])).toBe(1);

    // A bike whose clock runs ten minutes ahead: its ride "starts" after the erasure, and a
    // replay of it must stay erased all the same.
    const ahead = simFileFeed({
      bikes: 1,
      ridesPerBike: 1,
      seed: 8,
      startMs: Date.now() + 600_000,
      abnormalShare: 0,
      firstUserId: 424242,
    });
    await ingestFile(db, tempFile(ahead.lines));
    expect(await count('rides WHERE rider_id = 424242')).toBe(1);
    await db.transaction((tx) => eraseRider(tx, 424242, 'test'));
    await ingestFile(db, tempFile(ahead.lines));
    expect(await count('riders WHERE rider_id = 424242')).toBe(0);
    expect(await count('rides WHERE rider_id = 424242')).toBe(0);
  });

  it('goes on ignoring, after a restart, the rest of a ride erased while open', async () => {
    const { db } = get();
    const feed = simFileFeed({
      bikes: 1,
      ridesPerBike: 2,
      seed: 31,
      startMs: Date.UTC(2022, 6, 6, 9),
      abnormalShare: 0,
    });
    const [first, second] = feed.truths;
    expect(second!.userId).not.toBe(first!.userId);
    // Up to the middle of the first ride; then the erasure; then a new process reads the rest.
    const cut = Math.floor(feed.lines.length / 4);
    const path = tempFile(feed.lines.slice(0, cut));
    await ingestFile(db, path);
    expect(await count('rides WHERE ended_at IS NULL AND rider_id = $1', [first!.userId])).toBe(1);
    await db.transaction((tx) => eraseRider(tx, first!.userId, 'test'));
    appendFileSync(
      path,
      feed.lines
        .slice(cut)
        .map((l) => `${l}\n`)
        .join(''),
    );
    await ingestFile(db, path);
    expect(await count('rides WHERE rider_id = $1', [first!.userId])).toBe(0);
    expect(await count('riders WHERE rider_id = $1', [first!.userId])).toBe(0);
    // Nothing of the erased ride was kept as rejected lines, and the next rider's ride is whole.
    expect(await count('rejected_messages')).toBe(0);
    expect(await count('readings WHERE ride_id NOT IN (SELECT ride_id FROM rides)')).toBe(0);
    const [next] = await db.query<{ reading_count: number }>(
      'SELECT reading_count FROM rides WHERE rider_id = $1',
      [second!.userId],
    );
    expect(next!.reading_count).toBeGreaterThanOrEqual(second!.seconds - 2);
    // The bike has moved on: its suppression is gone.
    expect(await count('suppressed_rides')).toBe(0);
  });

  it('stores nothing more of a ride deleted while ingest still holds it open', async () => {
    const { db } = get();
    const { lines } = simFileFeed({
      bikes: 2,
      ridesPerBike: 1,
      seed: 9,
      startMs: Date.UTC(2022, 6, 6, 9),
      abnormalShare: 0,
    });
    const half = Math.floor(lines.length / 2);
    const path = tempFile(lines.slice(0, half));
    const stop = new AbortController();
    const running = follow(db, path, stop.signal);
    const waitFor = reached;
    await waitFor(
      Buffer.byteLength(
        lines
          .slice(0, half)
          .map((l) => `${l}\n`)
          .join(''),
      ),
    );
    const [victim] = await db.query<{ ride_id: number }>(
      'SELECT ride_id FROM rides ORDER BY ride_id LIMIT 1',
    );
    // Its bike has gone quiet for a while (by the database's clock): no longer being ridden.
    await db.query(`UPDATE rides SET heard_at = now() - interval '1 hour' WHERE ride_id = $1`, [
      victim!.ride_id,
    ]);
    api = await apiHarness(db, { now: () => LATER });
    expect((await api.call('DELETE', `/api/rides/${victim!.ride_id}`, api.admin)).statusCode).toBe(
      200,
    );
    appendFileSync(
      path,
      lines
        .slice(half)
        .map((l) => `${l}\n`)
        .join(''),
    );
    await waitFor(Buffer.byteLength(lines.map((l) => `${l}\n`).join('')));
    stop.abort();
    await running;
    expect(await count('readings WHERE ride_id = $1', [victim!.ride_id])).toBe(0);
    expect(await count('alerts WHERE ride_id = $1', [victim!.ride_id])).toBe(0);
    expect(await count('readings WHERE ride_id NOT IN (SELECT ride_id FROM rides)')).toBe(0);
    // The other bike's ride was stored whole.
    expect(await count('rides')).toBe(1);
    expect(await count('readings')).toBeGreaterThan(200);
  });

  it('ignores the rest of a ride whose rider is erased while ingest holds it open, its set-aside lines too', async () => {
    const { db } = get();
    const { lines, truths } = simFileFeed({
      bikes: 1,
      ridesPerBike: 1,
      seed: 9,
      // Riding now: the lines set aside after the erasure are dated after it.
      startMs: Date.now() - 60_000,
      abnormalShare: 0,
    });
    const rider = truths[0]!.userId;
    const half = Math.floor(lines.length / 2);
    const path = tempFile(lines.slice(0, half));
    const stop = new AbortController();
    const running = follow(db, path, stop.signal);
    const bytes = (xs: string[]) => Buffer.byteLength(xs.map((l) => `${l}\n`).join(''));
    await reached(bytes(lines.slice(0, half)));
    await db.transaction((tx) => eraseRider(tx, rider, 'test'));
    // The rest of the ride, with a line its time does not fit: once set aside with the account.
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const misfit = lines[half]!.replace(day(Date.now() - 60_000), day(Date.now() + 2 * 86_400_000));
    appendFileSync(path, [misfit, ...lines.slice(half)].map((l) => `${l}\n`).join(''));
    await reached(bytes([...lines, misfit]));
    stop.abort();
    await running;
    expect(await count('readings')).toBe(0);
    expect(await count('rides')).toBe(0);
    expect(await count('rejected_messages WHERE rider_id = $1', [rider])).toBe(0);
  });
});
