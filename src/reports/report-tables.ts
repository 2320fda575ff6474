// The report's two tables: the day's most active riders and its heart-rate alerts, as columns
// of words and formatted figures (units in every cell), for pdf-tables.ts to draw.
import {
  formatBpm,
  formatCount,
  formatDuration,
  formatInteger,
  formatKj,
  formatWatts,
} from '../charts/index.js';
import type { DailyReport, ReportAlert, ReportRider } from './daily-report.js';
import type { Table } from './pdf-tables.js';
import { alertKindWords, clockWords, mailWords, riderWords } from './report-words.js';

const UNKNOWN = 'unknown';
const NONE = '\u2013';

/** The most active riders, by energy; names only in an admin's report. */
export function topRidersTable(report: DailyReport): Table<ReportRider> {
  const named = report.audience === 'admin';
  return {
    title: 'Most active riders',
    intro:
      `The ${formatCount(report.topRiders.length, 'rider', 'riders')} who put out the most energy, ` +
      `most first.${named ? '' : ' Riders are shown by number only in this report.'}`,
    columns: [
      { header: 'Rider', align: 'left', flex: true, cell: (r) => riderWords(r.name, r.riderId) },
      {
        header: 'Gender',
        align: 'left',
        cell: (r) => r.gender ?? UNKNOWN,
        muted: (r) => r.gender === null || r.gender === 'unknown',
      },
      {
        header: 'Age',
        align: 'right',
        cell: (r) => (r.age === null ? UNKNOWN : formatCount(r.age, 'year', 'years')),
        muted: (r) => r.age === null,
      },
      { header: 'Rides', align: 'right', cell: (r) => formatInteger(r.rideCount) },
      { header: 'Ride time', align: 'right', cell: (r) => formatDuration(r.durationS) },
      { header: 'Energy', align: 'right', cell: (r) => formatKj(r.energyKj) },
      {
        header: 'Avg power',
        align: 'right',
        cell: (r) => (r.avgPowerW === null ? NONE : formatWatts(r.avgPowerW)),
      },
      {
        header: 'Avg heart rate',
        align: 'right',
        cell: (r) => (r.avgHeartRate === null ? NONE : formatBpm(r.avgHeartRate)),
      },
    ],
    rows: report.topRiders,
    ...(report.topRiders.some((r) => r.avgPowerW === null || r.avgHeartRate === null)
      ? { note: `${NONE} no readings of that measure.` }
      : {}),
  };
}

/** The day's heart-rate alerts in time order, and how many more there were than it lists. */
export function alertsTable(report: DailyReport): Table<ReportAlert> {
  const more = report.totals.alerts - report.alerts.length;
  return {
    title: 'Heart-rate alerts',
    intro:
      'An alert is raised when a rider\u2019s heart rate stays above (high) or below (low) ' +
      'their personal limit for a while. Mail: whether the alert\u2019s mail went out.',
    columns: [
      {
        header: 'Time',
        align: 'left',
        cell: (a) => clockWords(report, a.detectedAtMs),
      },
      { header: 'Bike', align: 'left', cell: (a) => a.bikeSerial },
      {
        header: 'Rider',
        align: 'left',
        flex: true,
        cell: (a) => riderWords(a.riderName, a.riderId),
      },
      { header: 'Alert', align: 'left', cell: (a) => alertKindWords(a.kind) },
      { header: 'Rate reached', align: 'right', cell: (a) => formatBpm(a.peakBpm) },
      { header: 'Limit', align: 'right', cell: (a) => formatBpm(a.limitBpm) },
      {
        header: 'Mail',
        align: 'left',
        cell: (a) => mailWords(a.state),
        muted: (a) => a.state === 'queued',
      },
    ],
    rows: report.alerts,
    ...(more > 0
      ? {
          note:
            `and ${formatInteger(more)} more ${more === 1 ? 'alert' : 'alerts'} not listed ` +
            `(${formatCount(report.totals.alerts, 'alert', 'alerts')} in all).`,
        }
      : {}),
  };
}
