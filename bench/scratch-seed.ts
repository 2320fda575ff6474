import { migrate } from '../src/store/migrate.js';
import { openPgDb } from '../src/store/pg-db.js';
import { buildDailyReport } from '../src/reports/report-builder.js';
import { adminQuery } from './support/pg.js';
import { seedReportData } from './support/report-seed.js';
const name = 'deloton_scratch_report';
await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await adminQuery(`CREATE DATABASE ${name}`);
const url = `postgresql://postgres@127.0.0.1:5432/${name}`;
const db = openPgDb(url);
await migrate(db);
let t = performance.now();
const data = await seedReportData(db, { date: '2026-11-18', timeZone: 'Europe/London', rides: 10000, daysBefore: 7, riders: 4500, bikes: 1000, alertShare: 0.02 });
console.log(data, ((performance.now() - t) / 1000).toFixed(1), 's');
await db.close();
for (let i = 0; i < 2; i++) {
  const db2 = openPgDb(url);
  t = performance.now();
  const r = await buildDailyReport({ db: db2, date: '2026-11-18', timeZone: 'Europe/London', audience: 'admin', nowMs: Date.now() });
  console.log('build ms', (performance.now() - t).toFixed(0));
  if (i === 1) console.log(JSON.stringify({ totals: r.totals, dayBefore: r.dayBefore, weekDays: r.weekDays, byGender: r.byGender, byAgeBand: r.byAgeBand, hours: r.hours.map((h) => h.rideCount), byZone: r.byZone, top: r.topRiders.slice(0, 3), alerts: r.alerts.slice(0, 3), nAlerts: r.alerts.length, whatChanged: r.whatChanged }, null, 1));
  await db2.close();
}
