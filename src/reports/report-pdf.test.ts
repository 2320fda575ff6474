// The report PDF read back with poppler (pdftotext, pdfinfo, pdfimages, pdffonts, pdftoppm), as
// a reader's viewer would: the figures as formatted, the names only for an admin, the alerts,
// page numbers, metadata, vector charts, every page rendered (PNGs kept as test artifacts).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  formatBpm,
  formatDuration,
  formatInteger,
  formatKj,
  formatWatts,
} from '../charts/index.js';
import type { DailyReport } from './daily-report.js';
import { renderReportPdf } from './report-pdf.js';
import {
  sampleBusyReport,
  sampleDstReport,
  sampleEmptyReport,
  sampleReport,
  sampleViewerReport,
} from './sample-report.test-support.js';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'report');

/** A rendered report and what poppler reads from it. */
interface Read {
  readonly report: DailyReport;
  readonly pdf: Uint8Array;
  readonly file: string;
  /** `pdftotext -layout`: rows of a table stay on one line. */
  readonly layout: string;
  /** The same text with every run of white space made one space: wrapped sentences read whole. */
  readonly flat: string;
  readonly pages: number;
}

const poppler = (tool: string, ...args: string[]) =>
  execFileSync(tool, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });

async function read(name: string, report: DailyReport): Promise<Read> {
  const pdf = await renderReportPdf(report);
  const file = join(ARTIFACTS, `${name}.pdf`);
  writeFileSync(file, pdf);
  const layout = poppler('pdftotext', '-layout', file, '-');
  const pages = Number(/Pages:\s+(\d+)/.exec(poppler('pdfinfo', file))?.[1]);
  return { report, pdf, file, layout, flat: layout.replace(/\s+/g, ' '), pages };
}

const runs: Record<string, Read> = {};

beforeAll(async () => {
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  const samples = {
    day: sampleReport(),
    viewer: sampleViewerReport(),
    dst: sampleDstReport(),
    busy: sampleBusyReport(),
    empty: sampleEmptyReport(),
    partial: sampleReport({ partial: true, generatedAtMs: Date.UTC(2026, 11, 3, 14, 5) }),
  };
  for (const [name, report] of Object.entries(samples)) runs[name] = await read(name, report);
});

const run = (name: string): Read => runs[name]!;

describe('the daily report PDF', () => {
  it('leads with the headline figures as formatted, their change, and what changed', () => {
    const { report, flat, layout } = run('day');
    const t = report.totals;
    expect(flat).toContain('How did Thursday 3 December 2026 go?');
    const cards: [string, string][] = [
      [formatInteger(t.rideCount), 'rides'],
      [formatInteger(t.riders), 'distinct riders'],
      [formatDuration(t.totalDurationS), 'total ride time'],
      [formatKj(t.totalEnergyKj), 'total energy'],
      [formatWatts(t.avgPowerW!), 'average power'],
      [formatBpm(t.avgHeartRate!), 'average heart rate'],
      [formatInteger(t.alerts), 'heart-rate alerts raised'],
      [formatDuration(t.secondsAboveMax), 'time above maximum heart rate'],
    ];
    // Cards stand side by side, so the text runs row by row: each figure and label is there.
    for (const [value, label] of cards) {
      expect(flat).toContain(` ${value} `);
      expect(flat).toContain(` ${label} `);
    }
    // Rides rose 12 %; the average heart rate fell 1 %, with a true minus.
    expect(flat).toContain('+12 % on the day before');
    expect(flat).toContain('\u22121 % on the day before');
    expect(flat).toContain(`day before ${formatInteger(report.dayBefore.rideCount)}`);
    expect(flat).toContain(`7-day average ${formatInteger(report.weekAverage.rideCount)}`);
    // A line may break after a hyphen ("7-" / "day"): the sentence reads whole without that break.
    const prose = flat.replace(/- /g, '-');
    expect(report.whatChanged.length).toBeGreaterThan(1);
    for (const sentence of report.whatChanged) expect(prose).toContain(sentence);
    // Page 1 holds the figures and the paragraph on its own.
    const page1 = layout.split('\f')[0]!.replace(/\s+/g, ' ');
    expect(page1).toContain('What changed');
    expect(page1.replace(/- /g, '-')).toContain(report.whatChanged.at(-1));
  });

  it('numbers its pages, carries its metadata, and is the same bytes for the same model', async () => {
    const { file, pages, flat, pdf } = run('day');
    expect(pages).toBe(4);
    for (let p = 1; p <= pages; p++) expect(flat).toContain(`Page ${p} of ${pages}`);
    expect(flat.match(/Deloton daily report/g)).toHaveLength(pages);
    const info = poppler('pdfinfo', file);
    expect(info).toMatch(/^Title:\s+Deloton daily report: Thursday 3 December 2026$/m);
    expect(info).toMatch(/^Author:\s+Deloton$/m);
    expect(info).toMatch(/^Keywords:.*2026-12-03/m);
    expect(info).toMatch(/^CreationDate:\s+Fri Dec {2}4 06:02:00 2026 UTC$/m);
    expect(info).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)$/m);
    expect(Buffer.from(await renderReportPdf(sampleReport())).equals(Buffer.from(pdf))).toBe(true);
  });

  it('draws its charts as vectors, in the embedded font only', () => {
    const { file, flat } = run('day');
    for (const title of [
      'Who rode on 3 December?',
      'When did riders start their rides on 3 December?',
      'How much energy did riders put out on 3 December?',
      'How hard did riders pedal on 3 December?',
      'How old were the riders on 3 December?',
      'How hard did riders\u2019 hearts work on 3 December?',
    ])
      expect(flat).toContain(title);
    // No raster images: `pdfimages -list` prints its two header lines and nothing else.
    expect(poppler('pdfimages', '-list', file).trim().split('\n')).toHaveLength(2);
    const fonts = poppler('pdffonts', file).trim().split('\n').slice(2);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) expect(font).toMatch(/^\w{6}\+Inter-\w+ .* yes yes yes /);
  });

  it('names the most active riders and the alerts for an admin', () => {
    const { report, layout, flat } = run('day');
    for (const rider of report.topRiders) {
      // A long name is cut to its column with an ellipsis; its start is always there.
      expect(flat).toContain(rider.name!.slice(0, 20));
      expect(layout).toMatch(
        new RegExp(`${formatKj(rider.energyKj)}\\s+${formatWatts(rider.avgPowerW!)}`),
      );
    }
    expect(flat).toContain('Ms Priya Raman female 24 years 3 2 h 18 min 1,954 kJ 236 W 150 bpm');
    expect(layout).toMatch(
      /^\s*06:12\s+SN-041022\s+Ms Priya Raman\s+high heart rate\s+182 bpm\s+178 bpm\s+sent$/m,
    );
    expect(layout).toMatch(
      /^\s*10:54\s+SN-042488\s+Mr Jonathan Whitlock\s+low heart rate\s+43 bpm\s+52 bpm\s+waiting to send$/m,
    );
    expect(layout).toMatch(/failed to send$/m);
    expect(flat).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(flat).not.toContain('more alerts not listed');
  });

  it('names no rider in a viewer\u2019s report', () => {
    const { report, flat } = run('viewer');
    const admin = run('day').report;
    for (const rider of admin.topRiders) expect(flat).not.toContain(rider.name!.slice(0, 12));
    for (const alert of admin.alerts) expect(flat).not.toContain(alert.riderName!.slice(0, 12));
    expect(flat).toContain(`Rider ${report.topRiders[0]!.riderId}`);
    expect(flat).toContain(`Rider ${report.alerts[0]!.riderId}`);
    expect(flat).toContain('Riders are shown by number only in this report.');
  });

  it('breaks a long alerts table across pages with its header, and counts what it leaves out', () => {
    const { report, flat, pages } = run('busy');
    expect(report.alerts).toHaveLength(40);
    expect(pages).toBe(5);
    expect(flat).toContain('Heart-rate alerts (continued)');
    expect(flat.match(/Time Bike Rider Alert Rate reached Limit Mail/g)).toHaveLength(2);
    expect(flat).toContain('and 12 more alerts not listed (52 alerts in all).');
  });

  it('on the day the clocks go back, draws 25 hours and says which zone a time is in', () => {
    const { layout, flat } = run('dst');
    expect(flat).toContain('Sunday 25 October 2026 · times in BST, then GMT');
    expect(flat).toContain('hour started (BST, then GMT)');
    // Only the hour that happens twice gets its zone.
    expect(layout).toMatch(/^\s*01:30 GMT\s+SN-041022/m);
    expect(layout).toMatch(/^\s*08:30\s+SN-041755/m);
  });

  it('says how many days the weekly average is over when the week had days without rides', async () => {
    const { flat } = await read('short-week', sampleReport({ weekDays: 3 }));
    expect(flat).toContain('with the average of the 3 days with rides in the 7 before it.');
    const none = await read('no-week', sampleReport({ weekDays: 0 }));
    expect(none.flat.match(/no rides in the week before/g)).toHaveLength(8);
  });

  it('says so in the header of a day not yet over', () => {
    const { flat, pages } = run('partial');
    expect(flat).toContain('Thursday 3 December 2026, so far, as of 14:05 · times in GMT');
    expect(flat.match(/so far, as of 14:05/g)).toHaveLength(pages);
    expect(flat).toContain('How is Thursday 3 December 2026 going?');
    // Not compared with whole days, as the what-changed paragraph says.
    expect(flat.match(/not compared yet/g)).toHaveLength(8);
    expect(flat).not.toContain('on the day before');
    expect(flat).toContain('When did riders start their rides so far on 3 December?');
  });

  it('gives a day without rides one short page: the zeros and a sentence, no charts or tables', () => {
    const { flat, pages } = run('empty');
    expect(pages).toBe(1);
    expect(flat).toContain('No rides were recorded on Friday 4 December 2026.');
    expect(flat).toMatch(/ 0 0 distinct riders rides /);
    expect(flat).toContain('no readings this day');
    expect(flat).toContain('\u2212100 % on the day before');
    expect(flat).toContain('Page 1 of 1');
    expect(flat).not.toContain('?  ');
    for (const absent of ['Who rode', 'When did riders', 'Most active riders', 'Heart-rate alerts'])
      expect(flat).not.toContain(absent);
  });

  it('renders every page to an image', () => {
    for (const [name, { file, pages }] of Object.entries(runs)) {
      poppler('pdftoppm', '-r', '60', '-png', file, join(ARTIFACTS, name));
      const pngs = readdirSync(ARTIFACTS).filter(
        (f) => f.startsWith(`${name}-`) && f.endsWith('.png'),
      );
      expect({ name, pngs: pngs.length }).toEqual({ name, pngs: pages });
      // A blank page would be a few hundred bytes: each holds text and rules at least.
      for (const png of pngs) expect(statSync(join(ARTIFACTS, png)).size).toBeGreaterThan(8_000);
    }
  });
});
