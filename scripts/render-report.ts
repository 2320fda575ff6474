// Renders the sample daily reports to PDF, and each page to PNG (colour and greyscale, through
// poppler's pdftoppm), into a folder, to look at them as their readers will.
// Usage: npx tsx scripts/render-report.ts <out-dir> [--dpi N]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DailyReport } from '../src/reports/daily-report.js';
import { renderReportPdf } from '../src/reports/report-pdf.js';
import {
  sampleBusyReport,
  sampleDstReport,
  sampleEmptyReport,
  sampleReport,
  sampleViewerReport,
} from '../src/reports/sample-report.test-support.js';

const [outArg, ...flags] = process.argv.slice(2);
if (!outArg) {
  console.error('usage: npx tsx scripts/render-report.ts <out-dir> [--dpi N]');
  process.exit(2);
}
const out = resolve(outArg);
const dpiAt = flags.indexOf('--dpi');
const dpi = dpiAt >= 0 ? Number(flags[dpiAt + 1]) : 80;

const SAMPLES: Record<string, () => DailyReport> = {
  day: () => sampleReport(),
  viewer: () => sampleViewerReport(),
  'clocks-go-back': () => sampleDstReport(),
  busy: () => sampleBusyReport(),
  partial: () =>
    sampleReport({
      partial: true,
      generatedAtMs: Date.UTC(2026, 11, 3, 14, 5),
      untilMs: Date.UTC(2026, 11, 4),
    }),
  empty: () => sampleEmptyReport(),
};

mkdirSync(out, { recursive: true });
// The first render loads the fonts and ECharts; time the ones after it.
await renderReportPdf(sampleReport());
for (const [name, build] of Object.entries(SAMPLES)) {
  const report = build();
  const started = performance.now();
  const pdf = await renderReportPdf(report);
  const ms = performance.now() - started;
  const file = join(out, `${name}.pdf`);
  writeFileSync(file, pdf);
  execFileSync('pdftoppm', ['-r', String(dpi), '-png', file, join(out, name)]);
  execFileSync('pdftoppm', ['-r', String(dpi), '-png', '-gray', file, join(out, `${name}-gray`)]);
  const pages = /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1];
  console.log(
    `${name}: ${pages} pages, ${(pdf.length / 1024).toFixed(0)} KiB, rendered in ${ms.toFixed(0)} ms`,
  );
}
console.log(`PDFs and page PNGs in ${out}`);
