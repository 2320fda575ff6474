// Renders every chart with sample data to SVG, light and dark, wide and phone-narrow, into a
// folder (and with --png, to PNG through Debian's chromium), to look at them as people will.
// Usage: npx tsx scripts/render-charts.ts <out-dir> [--png]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ageBandsChart,
  genderSplitChart,
  heartRateZonesChart,
  powerOverTimeChart,
  rideHeartRateChart,
  ridePowerChart,
  ridesPerHourChart,
  themeOf,
  type ChartOption,
  type ChartOptions,
  type ThemeName,
} from '../src/charts/index.js';
import { renderChartSvg } from '../src/charts/render-svg.js';
import {
  SAMPLE_AGE_ROWS,
  SAMPLE_GENDER_ROWS,
  SAMPLE_UNKNOWN_ZONE_ROW,
  SAMPLE_ZONE_ROWS,
  sampleHeartRateRide,
  sampleHourRides,
  samplePowerBuckets,
  samplePowerRide,
} from '../src/charts/samples.test-support.js';

const [outArg, ...flags] = process.argv.slice(2);
if (!outArg) {
  console.error('usage: npx tsx scripts/render-charts.ts <out-dir> [--png]');
  process.exit(2);
}
const out = resolve(outArg);
const png = flags.includes('--png');
const timeZone = 'Europe/London';
const rangeWords = 'in the last 12 hours';

const SIZES = { wide: { width: 720, height: 320 }, narrow: { width: 360, height: 300 } } as const;
type Size = keyof typeof SIZES;

/** Each chart, drawn for a theme and a width. */
const CHARTS: Record<string, (base: ChartOptions) => ChartOption> = {
  'ride-heart-rate': (base) => rideHeartRateChart(sampleHeartRateRide(), base),
  'ride-heart-rate-no-max': (base) => rideHeartRateChart(sampleHeartRateRide(null), base),
  'ride-power': (base) => ridePowerChart(samplePowerRide(), base),
  'gender-split': (base) => genderSplitChart(SAMPLE_GENDER_ROWS, { ...base, rangeWords }),
  'age-bands': (base) => ageBandsChart(SAMPLE_AGE_ROWS, { ...base, rangeWords }),
  'power-over-time': (base) => powerOverTimeChart(samplePowerBuckets(12), { ...base, rangeWords }),
  'power-over-time-power': (base) =>
    powerOverTimeChart(samplePowerBuckets(12), { ...base, rangeWords, measure: 'power' }),
  'power-over-time-7-days': (base) =>
    powerOverTimeChart(samplePowerBuckets(7 * 24), { ...base, rangeWords: 'in the last 7 days' }),
  'rides-per-hour': (base) => ridesPerHourChart(sampleHourRides(), { ...base, rangeWords }),
  'heart-rate-zones': (base) =>
    heartRateZonesChart([...SAMPLE_ZONE_ROWS, SAMPLE_UNKNOWN_ZONE_ROW], { ...base, rangeWords }),
  'gender-split-empty': (base) => genderSplitChart([], { ...base, rangeWords }),
};

mkdirSync(out, { recursive: true });
const gallery: string[] = [];
for (const [name, build] of Object.entries(CHARTS))
  for (const themeName of ['light', 'dark'] as const satisfies readonly ThemeName[])
    for (const size of Object.keys(SIZES) as Size[]) {
      const theme = themeOf(themeName);
      const { width, height } = SIZES[size];
      const file = `${name}-${themeName}-${size}`;
      const svg = renderChartSvg(build({ theme, timeZone, widthPx: width }), width, height);
      writeFileSync(join(out, `${file}.svg`), svg);
      const page = `<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0;background:${theme.background}">${svg}</body></html>`;
      writeFileSync(join(out, `${file}.html`), page);
      gallery.push(`<figure><figcaption>${file}</figcaption><img src="${file}.svg"></figure>`);
      if (png)
        execFileSync(
          process.env.CHROMIUM ?? '/usr/bin/chromium',
          [
            '--headless=new',
            '--no-sandbox',
            '--disable-gpu',
            '--hide-scrollbars',
            `--screenshot=${join(out, `${file}.png`)}`,
            `--window-size=${width},${height}`,
            pathToFileURL(join(out, `${file}.html`)).href,
          ],
          { stdio: 'ignore' },
        );
    }
writeFileSync(
  join(out, 'index.html'),
  `<!doctype html><html><head><meta charset="utf-8"></head><body style="font-family:system-ui">${gallery.join('\n')}</body></html>`,
);
console.log(`${gallery.length} charts in ${out}${png ? ' (with PNGs)' : ''}`);
