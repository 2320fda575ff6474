import { expect, it } from 'vitest';
import { runAnalyticsRefresh, newAnalyticsStats } from '../src/app/analytics-service.js';
import { syncAnalyticsTimeZone } from '../src/store/analytics-definitions.js';
import { analyticsBacklog, refreshAnalytics } from '../src/store/analytics-refresh.repository.js';
import { periodTotals } from '../src/store/day-totals.repository.js';
import { describeEachDb } from './support/databases.js';
import { silent } from './support/ingest.js';
import {
  REPORT_DAY,
  REPORT_DAY_FROM,
  REPORT_DAY_UNTIL,
  seedReportDays,
} from './support/report-day.js';
import { waitUntil } from './support/wait.js';

describeEachDb('analytics refresher', (get) => {
  it('keeps the daily figures current while rides arrive, and catches up once more when stopped', async () => {
    const { db } = get();
    await syncAnalyticsTimeZone(db, 'Europe/London');
    const stats = newAnalyticsStats();
    const ac = new AbortController();
    const loop = runAnalyticsRefresh({ db, everyMs: 50, logger: silent, signal: ac.signal, stats });
    await seedReportDays(db);
    await waitUntil(async () => (await analyticsBacklog(db)) === 0, 'the refresher to catch up');
    const totals = await periodTotals(db, REPORT_DAY_FROM, REPORT_DAY_UNTIL);
    const [day] = await db.query<{ rides: number; alerts: number }>(
      'SELECT rides, alerts FROM analytics.daily_summary WHERE day = $1',
      [REPORT_DAY],
    );
    expect(day).toEqual({ rides: totals.rideCount, alerts: totals.alerts });
    expect(stats.daysRecomputed).toBeGreaterThanOrEqual(2);
    expect(stats.lastError).toBeNull();

    // A change made just before it stops is still recomputed: its last round runs after the signal.
    await db.query(
      `DELETE FROM rides WHERE ride_id = (SELECT min(ride_id) FROM rides WHERE started_at >= $1)`,
      [new Date(REPORT_DAY_FROM)],
    );
    ac.abort();
    await loop;
    expect(await analyticsBacklog(db)).toBe(0);
    const [after] = await db.query<{ rides: number }>(
      'SELECT rides FROM analytics.daily_summary WHERE day = $1',
      [REPORT_DAY],
    );
    expect(after!.rides).toBe(totals.rideCount - 1);
  });

  it('lets one process recompute at a time: the others skip their turn', async () => {
    const { db, kind } = get();
    await seedReportDays(db);
    const results = await Promise.all([refreshAnalytics(db), refreshAnalytics(db)]);
    expect(results.filter((r) => r.kind === 'refreshed')).toHaveLength(1);
    // PGlite runs one transaction at a time, so the second one finds nothing left to do.
    expect(results.map((r) => r.kind).sort()).toEqual(
      kind === 'pglite' ? ['idle', 'refreshed'] : ['busy', 'refreshed'],
    );
  });
});
