// The daily report's figures, read through the store, against the same figures computed in the
// test from the stored rows; on PGlite and PostgreSQL.
import { expect, it } from 'vitest';
import { DelotonError } from '../src/domain/errors.js';
import { buildDailyReport } from '../src/reports/report-builder.js';
import { eraseRider } from '../src/store/riders.repository.js';
import { describeEachDb } from './support/databases.js';
import {
  expectedFigures,
  REPORT_DAY,
  REPORT_DAY_FROM,
  REPORT_DAY_UNTIL,
  REPORT_ZONE,
  seedReportDays,
} from './support/report-day.js';

const LATER = Date.UTC(2022, 6, 9, 12);

describeEachDb('daily report figures', (get) => {
  it('equal the figures computed from the stored rides, for admin and viewer', async () => {
    const { db } = get();
    await seedReportDays(db);
    const want = await expectedFigures(db, REPORT_DAY_FROM, REPORT_DAY_UNTIL);
    const before = await expectedFigures(db, REPORT_DAY_FROM - 86_400_000, REPORT_DAY_FROM);
    expect(want.rideCount).toBeGreaterThan(50);
    expect(want.alerts).toBeGreaterThan(0);
    expect(before.rideCount).toBeGreaterThan(0);

    const report = await buildDailyReport({
      db,
      date: REPORT_DAY,
      timeZone: REPORT_ZONE,
      audience: 'admin',
      nowMs: LATER,
    });
    expect(report.fromMs).toBe(REPORT_DAY_FROM);
    expect(report.untilMs).toBe(REPORT_DAY_UNTIL);
    expect(report.partial).toBe(false);
    const t = report.totals;
    expect(t.rideCount).toBe(want.rideCount);
    expect(t.riders).toBe(want.riders);
    expect(t.totalDurationS).toBe(want.totalDurationS);
    expect(t.totalEnergyKj).toBeCloseTo(want.totalEnergyKj, 6);
    expect(t.avgHeartRate).toBeCloseTo(want.avgHeartRate!, 6);
    expect(t.avgPowerW).toBeCloseTo(want.avgPowerW!, 6);
    expect(t.alerts).toBe(want.alerts);
    expect(report.dayBefore.rideCount).toBe(before.rideCount);
    // Only the day before had rides among the 7 days before: the average is that day's.
    expect(report.weekDays).toBe(1);
    expect(report.weekAverage.rideCount).toBe(before.rideCount);

    for (const g of report.byGender) expect(g.rideCount).toBe(want.genderRides(g.gender));
    expect(report.hours).toHaveLength(24);
    for (const h of report.hours) expect(h.rideCount).toBe(want.hourRides(h.atMs));
    expect(report.byZone.map((z) => z.rideCount)).toEqual(want.zoneRides);
    const sumOf = (xs: readonly { rideCount: number }[]) => xs.reduce((a, x) => a + x.rideCount, 0);
    expect(sumOf(report.byAgeBand)).toBe(want.rideCount);

    expect(report.topRiders.map((r) => r.riderId)).toEqual(
      want.topRiders.slice(0, 10).map((r) => r.riderId),
    );
    expect(report.topRiders[0]!.name).toContain(want.topRiders[0]!.name.split(' ')[1]!);
    expect(report.alerts).toHaveLength(Math.min(want.alerts, 40));
    for (const a of report.alerts) {
      expect(a.detectedAtMs).toBeGreaterThanOrEqual(REPORT_DAY_FROM);
      if (a.kind === 'high') expect(a.peakBpm).toBeGreaterThan(a.limitBpm);
      else expect(a.peakBpm).toBeLessThan(a.limitBpm);
    }
    expect(report.whatChanged[0]).toContain(
      `took ${want.rideCount} rides on Wednesday 6 July 2022`,
    );
    expect(report.whatChanged[1]).toMatch(/^Against the day before, .* rose most, by [\d,]+ %/);
    // The week before holds one day with rides, the day before: it is not compared twice.
    expect(report.whatChanged).toHaveLength(2);

    const viewer = await buildDailyReport({
      db,
      date: REPORT_DAY,
      timeZone: REPORT_ZONE,
      audience: 'viewer',
      nowMs: LATER,
    });
    expect(viewer.totals).toEqual(report.totals);
    expect(viewer.topRiders.every((r) => r.name === null)).toBe(true);
    expect(viewer.alerts.every((a) => a.riderName === null)).toBe(true);
  });

  it('gives a short, correct report for a day without rides, and refuses a day to come', async () => {
    const { db } = get();
    const empty = await buildDailyReport({
      db,
      date: '2022-07-01',
      timeZone: REPORT_ZONE,
      audience: 'admin',
      nowMs: LATER,
    });
    expect(empty.totals.rideCount).toBe(0);
    expect(empty.totals.avgHeartRate).toBeNull();
    expect(empty.topRiders).toEqual([]);
    expect(empty.alerts).toEqual([]);
    expect(empty.whatChanged).toEqual(['No rides were recorded on Friday 1 July 2022.']);
    await expect(
      buildDailyReport({
        db,
        date: '2022-07-10',
        timeZone: REPORT_ZONE,
        audience: 'admin',
        nowMs: LATER,
      }),
    ).rejects.toSatisfy((e) => e instanceof DelotonError && e.code === 'report_day_invalid');
  });

  it("drops a stored PDF that may name an erased rider; the day's is built again without them", async () => {
    const { db } = get();
    await seedReportDays(db);
    const report = await buildDailyReport({
      db,
      date: REPORT_DAY,
      timeZone: REPORT_ZONE,
      audience: 'admin',
      nowMs: LATER,
    });
    const top = report.topRiders[0]!;
    await db.query(
      `INSERT INTO reports (day, time_zone, state, pdf, generated_at, summary)
       VALUES ($1, $2, 'sent', $3, now(), '{}'), ('2022-07-01', $2, 'sent', $3, now(), '{}')`,
      [REPORT_DAY, REPORT_ZONE, new Uint8Array([37, 80, 68, 70])],
    );
    await db.transaction((tx) => eraseRider(tx, top.riderId, 'test'));
    const rows = await db.query<{ day: string; pdf: Uint8Array | null; state: string }>(
      'SELECT day, pdf, state FROM reports ORDER BY day',
    );
    // The day they rode loses its PDF (the record that it was sent stays); other days keep theirs.
    expect(rows.map((r) => [r.day, r.pdf === null, r.state])).toEqual([
      ['2022-07-01', false, 'sent'],
      [REPORT_DAY, true, 'sent'],
    ]);
    const again = await buildDailyReport({
      db,
      date: REPORT_DAY,
      timeZone: REPORT_ZONE,
      audience: 'admin',
      nowMs: LATER,
    });
    expect(again.topRiders.map((r) => r.riderId)).not.toContain(top.riderId);
    expect(JSON.stringify(again)).not.toContain(top.name!);
  });

  it('cuts a day of 25 hours into 25 hours, and marks today as partial', async () => {
    const { db } = get();
    const autumn = await buildDailyReport({
      db,
      date: '2022-10-30',
      timeZone: REPORT_ZONE,
      audience: 'admin',
      nowMs: Date.UTC(2022, 10, 1),
    });
    expect(autumn.hours).toHaveLength(25);
    expect(autumn.untilMs - autumn.fromMs).toBe(25 * 3_600_000);
    const today = await buildDailyReport({
      db,
      date: '2022-07-09',
      timeZone: REPORT_ZONE,
      audience: 'admin',
      nowMs: LATER,
    });
    expect(today.partial).toBe(true);
  });
});
