// The live hub against real databases: a committed batch's NOTIFY brings the rides it changed to
// every browser, names only to admins; ended and deleted rides leave; a slow browser is dropped.
import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../src/domain/live-ride.js';
import { LiveHub, type LiveAudience, type LiveSubscriber } from '../src/live/live-hub.js';
import { deleteRide } from '../src/store/rides.repository.js';
import { describeEachDb } from './support/databases.js';
import { ingestFile, silent, tempFile } from './support/ingest.js';
import { simFileFeed } from './support/sim-feed.js';
import { waitUntil } from './support/wait.js';

const waitFor = (check: () => boolean) => waitUntil(check, 'the hub to catch up');

/** A browser as the hub sees it, recording the events it was sent. */
function fakeBrowser(audience: LiveAudience, backlog = () => 0) {
  const events: LiveEvent[] = [];
  const closed: string[] = [];
  const sub: LiveSubscriber = {
    audience,
    write: (frame) => {
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (data) events.push(JSON.parse(data) as LiveEvent);
    },
    buffered: backlog,
    close: (reason) => closed.push(reason),
  };
  return { sub, events, closed };
}

const openRideIds = (events: readonly LiveEvent[]): Set<number> => {
  const ids = new Set<number>();
  for (const e of events)
    if (e.kind === 'snapshot') {
      ids.clear();
      for (const r of e.rides) ids.add(r.rideId);
    } else if (e.kind === 'delta') {
      for (const r of e.upsert) ids.add(r.rideId);
      for (const id of e.ended) ids.delete(id);
    }
  return ids;
};

describeEachDb('live hub', (get) => {
  const startHub = async (resyncMs = 60_000) => {
    const hub = new LiveHub({ db: get().db, logger: silent, resyncMs, tickMs: 60_000 });
    await hub.start();
    return hub;
  };

  it('sends a snapshot, then the rides a committed batch changed, with names for admins only', async () => {
    const hub = await startHub();
    try {
      const admin = fakeBrowser('admin');
      const viewer = fakeBrowser('viewer');
      hub.subscribe(admin.sub);
      hub.subscribe(viewer.sub);
      expect(admin.events[0]).toMatchObject({ kind: 'snapshot', rides: [] });
      const feed = simFileFeed({ bikes: 3, ridesPerBike: 1, startMs: Date.now() - 120_000 });
      await ingestFile(get().db, tempFile(feed.lines));
      await waitFor(
        () => openRideIds(admin.events).size === 3 && openRideIds(viewer.events).size === 3,
      );
      const stored = await get().db.query<{
        ride_id: number;
        elapsed_s: number;
        heart_rate: number;
        power_w: number;
      }>(
        `SELECT DISTINCT ON (ride_id) ride_id, elapsed_s, heart_rate, power_w FROM readings
         WHERE heart_rate IS NOT NULL ORDER BY ride_id, elapsed_s DESC`,
      );
      const now = new Map(hub.rides().map((r) => [r.rideId, r]));
      for (const s of stored) {
        const r = now.get(s.ride_id)!;
        expect(r.latest).toMatchObject({
          elapsedS: s.elapsed_s,
          heartRate: s.heart_rate,
          powerW: s.power_w,
        });
        expect(r.name).toMatch(/\S+ \S+/);
      }
      const upserts = (events: LiveEvent[]) =>
        events.flatMap((e) =>
          e.kind === 'delta' ? e.upsert : e.kind === 'snapshot' ? e.rides : [],
        );
      expect(upserts(admin.events).every((r) => typeof r.name === 'string')).toBe(true);
      expect(upserts(viewer.events).some((r) => 'name' in r)).toBe(false);
      expect(upserts(viewer.events).every((r) => r.gender && r.riderId > 0)).toBe(true);
      // A newcomer gets the state at once.
      const late = fakeBrowser('viewer');
      hub.subscribe(late.sub);
      expect(openRideIds(late.events).size).toBe(3);
    } finally {
      await hub.stop();
    }
  });

  it('lets ended rides go, and deleted ones at the next resync', async () => {
    const hub = await startHub(200);
    try {
      const b = fakeBrowser('admin');
      hub.subscribe(b.sub);
      const feed = simFileFeed({ bikes: 2, ridesPerBike: 2, startMs: Date.now() - 1_200_000 });
      await ingestFile(get().db, tempFile(feed.lines));
      const rides = await get().db.query<{ ride_id: number; ended: boolean }>(
        'SELECT ride_id, ended_at IS NOT NULL AS ended FROM rides ORDER BY ride_id',
      );
      expect(rides.filter((r) => r.ended)).toHaveLength(2);
      const open = rides.filter((r) => !r.ended).map((r) => r.ride_id);
      await waitFor(() => [...openRideIds(b.events)].sort().join() === open.sort().join());
      const res = await get().db.transaction((tx) => deleteRide(tx, open[0]!, 0));
      expect(res.kind).toBe('deleted');
      await waitFor(() => !openRideIds(b.events).has(open[0]!));
      expect(hub.rides().map((r) => r.rideId)).toEqual([open[1]]);
    } finally {
      await hub.stop();
    }
  });

  it('drops a browser that cannot keep up, and serves the others', async () => {
    const hub = await startHub();
    try {
      let backlog = 0;
      const slow = fakeBrowser('viewer', () => backlog);
      const fine = fakeBrowser('viewer');
      hub.subscribe(slow.sub);
      hub.subscribe(fine.sub);
      backlog = 2 << 20;
      const feed = simFileFeed({ bikes: 2, ridesPerBike: 1, startMs: Date.now() - 60_000 });
      await ingestFile(get().db, tempFile(feed.lines));
      await waitFor(() => openRideIds(fine.events).size === 2);
      expect(slow.closed).toEqual(['slow']);
      expect(hub.stats()).toMatchObject({ dropped: 1, subscribers: 1, rides: 2 });
    } finally {
      await hub.stop();
    }
  });
});

describe('live hub: revoked callers', () => {
  it('closes the streams of callers no longer allowed', async () => {
    const { openTestDb } = await import('./support/databases.js');
    const t = await openTestDb('pglite');
    const hub = new LiveHub({ db: t.db, logger: silent });
    await hub.start();
    try {
      let allowed = true;
      const b = fakeBrowser('admin');
      hub.subscribe({ ...b.sub, stillAllowed: () => Promise.resolve(allowed) });
      await hub.recheckAll();
      expect(b.closed).toEqual([]);
      allowed = false;
      await hub.recheckAll();
      expect(b.closed).toEqual(['revoked']);
      expect(hub.stats().subscribers).toBe(0);
    } finally {
      await hub.stop();
      await t.close();
    }
  });
});
