// Heart-rate alerts are detected inside ingest and stored with the readings that caused them.
import { expect, it } from 'vitest';
import { describeEachDb } from './support/databases.js';
import { ingestFile, tempFile } from './support/ingest.js';
import { simFileFeed } from './support/sim-feed.js';
import { snapshot } from './support/snapshot.js';

const { lines: feed, truths } = simFileFeed({
  bikes: 10,
  ridesPerBike: 2,
  seed: 77,
  abnormalShare: 0.5,
});

describeEachDb('alert detection', (get) => {
  it('stores one alert per abnormal episode, of the right kind, for the right rider, and none otherwise', async () => {
    const { db } = get();
    await ingestFile(db, tempFile(feed), { maxBatch: 700 });
    const abnormal = truths.filter((t) => t.abnormal !== null);
    expect(abnormal.length).toBeGreaterThan(3);
    expect(abnormal.length).toBeLessThan(truths.length);
    const rows = await db.query<{
      bike_serial: string;
      started_at: Date;
      rider_id: number;
      kind: string;
      limit_bpm: number;
      readings: { bpm: number; elapsed_s: number }[];
      state: string;
    }>(
      `SELECT r.bike_serial, r.started_at, a.rider_id, a.kind, a.limit_bpm, a.readings, a.state
       FROM alerts a JOIN rides r USING (ride_id) ORDER BY r.bike_serial, r.started_at`,
    );
    const got = rows.map(
      (r) => `${r.bike_serial}@${r.started_at.getTime()}:${r.rider_id}:${r.kind}`,
    );
    const want = abnormal
      .map((t) => `${t.bikeSerial}@${t.startedAtMs}:${t.userId}:${t.abnormal}`)
      .sort();
    expect(got.sort()).toEqual(want);
    for (const r of rows) {
      expect(r.state).toBe('queued');
      expect(r.readings).toHaveLength(3);
      for (const x of r.readings)
        if (r.kind === 'high') expect(x.bpm).toBeGreaterThan(r.limit_bpm);
        else expect(x.bpm).toBeLessThan(r.limit_bpm);
    }
  });

  it('creates no second alert when the feed is replayed', async () => {
    const { db } = get();
    const path = tempFile(feed);
    await ingestFile(db, path);
    const before = await snapshot(db);
    expect(before.alerts.length).toBeGreaterThan(0);
    await db.query('DELETE FROM source_offsets');
    await ingestFile(db, path, { maxBatch: 333 });
    expect((await snapshot(db)).alerts).toEqual(before.alerts);
  });
});
