// One measurement of the report benchmark, in a process of its own so that its memory is the
// report's: imports the built report code (dist/, as `deloton report` runs it), then builds and
// renders the day TIMES times and prints one JSON line: timings per round, RSS before building,
// and the kernel's peak RSS (VmHWM) at the end.
// Plain JavaScript run by plain `node`, not TypeScript under tsx: tsx's loader transforms every
// module it loads, which made importing ECharts take 4 s and 80 MB more than it does in
// production, and would have counted against the report's memory.
// Usage: node --expose-gc report-worker.mjs URL DATE TIME_ZONE OUT.pdf [TIMES]
import { readFileSync, writeFileSync } from 'node:fs';

const [url, date, timeZone, out, timesArg] = process.argv.slice(2);
if (!url || !date || !timeZone || !out) throw new Error('usage: URL DATE TIME_ZONE OUT [TIMES]');
const times = Number(timesArg ?? 1);

/** VmRSS, or VmHWM (the process's peak so far), of this process in MB. */
function statusMb(field) {
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(
    readFileSync('/proc/self/status', 'utf8'),
  );
  return m?.[1] ? Number(m[1]) / 1024 : NaN;
}

// Sampled as well as read from VmHWM: the samples say in which phase the peak came. A phase
// that never yields to the event loop (the PDF render) shows up only in VmHWM.
let sampledPeakMb = 0;
let phase = 'idle';
const peakByPhase = { build: 0, render: 0 };
const sampler = setInterval(() => {
  const mb = process.memoryUsage().rss / 1_048_576;
  sampledPeakMb = Math.max(sampledPeakMb, mb);
  if (phase !== 'idle') peakByPhase[phase] = Math.max(peakByPhase[phase], mb);
}, 10);

const dist = new URL('../../dist/', import.meta.url);
const t0 = performance.now();
const { openPgDb } = await import(new URL('store/pg-db.js', dist).href);
const { buildDailyReport } = await import(new URL('reports/report-builder.js', dist).href);
const { renderReportPdf } = await import(new URL('reports/report-pdf.js', dist).href);
const importMs = performance.now() - t0;
const db = openPgDb(url);
globalThis.gc?.();
const baselineRssMb = statusMb('VmRSS');

const rounds = [];
let rideCount = 0;
let hwmAfterBuildMb = NaN;
try {
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    phase = 'build';
    const report = await buildDailyReport({
      db,
      date,
      timeZone,
      audience: 'admin',
      nowMs: Date.now(),
    });
    const built = performance.now();
    if (i === 0) hwmAfterBuildMb = statusMb('VmHWM');
    phase = 'render';
    const pdf = await renderReportPdf(report);
    const done = performance.now();
    phase = 'idle';
    rideCount = report.totals.rideCount;
    rounds.push({
      buildMs: built - start,
      renderMs: done - built,
      totalMs: done - start,
      bytes: pdf.byteLength,
    });
    if (i === 0) writeFileSync(out, pdf);
  }
} finally {
  clearInterval(sampler);
  await db.close();
}

process.stdout.write(
  `${JSON.stringify({
    importMs,
    baselineRssMb,
    hwmAfterBuildMb,
    peakRssMb: statusMb('VmHWM'),
    sampledPeakRssMb: sampledPeakMb,
    buildPeakRssMb: peakByPhase.build,
    heapUsedMb: process.memoryUsage().heapUsed / 1_048_576,
    rideCount,
    rounds,
  })}\n`,
);
process.exit(0);
