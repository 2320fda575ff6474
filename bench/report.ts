// The daily executive report (issue 10): a day of --rides rides (and the week before it) on
// PostgreSQL, built and rendered to PDF in a fresh process per measurement, so that each one's
// time and peak memory are the report's own; then `deloton report --date D --out F` end to end
// through the built CLI. Target: at most 2 s and 300 MB.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../src/store/migrate.js';
import { openPgDb } from '../src/store/pg-db.js';
import { numberArg } from './support/args.js';
import { onCleanup } from './support/cleanup.js';
import { buildDist, logLine, numberField, ROOT, runCli } from './support/cli-run.js';
import { log } from './support/log.js';
import { BenchFailure, round, runBench } from './support/output.js';
import { checkpoint, countRows, createBenchDatabase } from './support/pg.js';
import { seedReportData } from './support/report-seed.js';
import { percentile } from './support/stats.js';
import { TARGETS } from './support/targets.js';

const RIDES = numberArg('rides', 10_000);
const RUNS = numberArg('runs', 5);
const WARM = numberArg('warm', 5);
// A Wednesday in November: no clock change in the day or the week before it.
const DATE = process.argv.includes('--date')
  ? process.argv[process.argv.indexOf('--date') + 1]!
  : '2026-11-18';
const TIME_ZONE = 'Europe/London';
const TARGET_MS = TARGETS.report.buildTotalMs;
const TARGET_MB = TARGETS.report.peakRssMb;

/** What one worker process measured (bench/support/report-worker.mjs). */
interface WorkerResult {
  readonly importMs: number;
  readonly baselineRssMb: number;
  readonly peakRssMb: number;
  readonly sampledPeakRssMb: number;
  /** VmHWM when the first build ended: the peak before rendering. */
  readonly hwmAfterBuildMb: number;
  readonly heapUsedMb: number;
  readonly rideCount: number;
  readonly rounds: readonly { buildMs: number; renderMs: number; totalMs: number; bytes: number }[];
}

/** Runs the worker in a fresh Node process: `times` reports, the first written to `out`. */
async function runWorker(url: string, out: string, times: number): Promise<WorkerResult> {
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      join(ROOT, 'bench', 'support', 'report-worker.mjs'),
      url,
      DATE,
      TIME_ZONE,
      out,
      String(times),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  onCleanup(`kill report worker ${child.pid}`, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new BenchFailure(`report worker exited ${code}: ${stderr}`);
  const res = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as WorkerResult;
  if (res.rideCount !== RIDES)
    throw new BenchFailure(`the report counted ${res.rideCount} rides, ${RIDES} were stored`);
  return res;
}

/** p50 and max of `xs`, rounded. */
function p50max(xs: readonly number[]): { p50: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: round(percentile(s, 50)), max: round(s.at(-1) ?? NaN) };
}

/** Pages of a PDF (poppler's pdfinfo), and whether its text shows the day's ride count. */
function inspectPdf(path: string): { pages: number; showsRides: boolean } {
  const info = spawnSync('pdfinfo', [path], { encoding: 'utf8' });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info.stdout)?.[1] ?? NaN);
  const text = spawnSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' }).stdout;
  return { pages, showsRides: text.includes(RIDES.toLocaleString('en-GB')) };
}

await runBench('report', async () => {
  const loadBefore = loadavg();
  log(`load before: ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  buildDist();
  const url = await createBenchDatabase('report');
  const tmp = mkdtempSync(join(tmpdir(), 'deloton-bench-report-'));
  onCleanup(`remove ${tmp}`, () => rmSync(tmp, { recursive: true, force: true }));

  const genStart = performance.now();
  const db = openPgDb(url);
  let data;
  try {
    await migrate(db);
    log(`generating ${RIDES} rides on ${DATE} (${TIME_ZONE}) and 7 days before it`);
    data = await seedReportData(db, {
      date: DATE,
      timeZone: TIME_ZONE,
      rides: RIDES,
      daysBefore: 7,
      riders: Math.round(RIDES * 0.45),
      bikes: Math.max(10, Math.round(RIDES / 10)),
      alertShare: 0.02,
    });
  } finally {
    await db.close();
  }
  const generateS = (performance.now() - genStart) / 1000;
  const stored = await countRows(url, {
    rides: 'SELECT count(*) AS n FROM rides',
    alerts: 'SELECT count(*) AS n FROM alerts',
  });
  if (stored.rides !== data.rides || stored.alerts !== data.alerts)
    throw new BenchFailure(`stored ${JSON.stringify(stored)}, generated ${JSON.stringify(data)}`);
  log(
    `${data.rides} rides (${data.dayRides} on the day by ${data.dayRiders} riders, ` +
      `${data.dayAlerts} alerts) in ${generateS.toFixed(1)} s`,
  );
  await checkpoint();

  const fresh: WorkerResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await runWorker(url, join(tmp, `fresh-${i}.pdf`), 1);
    const round0 = r.rounds[0]!;
    log(
      `fresh process ${i + 1}/${RUNS}: build ${round0.buildMs.toFixed(0)} ms + render ` +
        `${round0.renderMs.toFixed(0)} ms, peak RSS ${r.peakRssMb.toFixed(0)} MB ` +
        `(${r.baselineRssMb.toFixed(0)} MB before building)`,
    );
    fresh.push(r);
  }
  log(`one process, ${WARM} reports in a row`);
  const warm = await runWorker(url, join(tmp, 'warm.pdf'), WARM);
  const warmRounds = warm.rounds.slice(1);

  const pdfPath = join(tmp, 'fresh-0.pdf');
  const pdf = inspectPdf(pdfPath);
  if (!pdf.showsRides) throw new BenchFailure(`the PDF's text does not show ${RIDES} rides`);

  log(`deloton report --date ${DATE} through the built CLI`);
  const cliOut = join(tmp, 'cli.pdf');
  const cli = await runCli(
    ['report', '--date', DATE, '--out', cliOut],
    { DATABASE_URL: url, DISPLAY_TIMEZONE: TIME_ZONE, LOG_LEVEL: 'info' },
    tmp,
    10,
  );
  const cliBuilt = logLine(cli, 'report built');
  if (numberField(cliBuilt, 'rides') !== RIDES)
    throw new BenchFailure(`the CLI's report counted ${numberField(cliBuilt, 'rides')} rides`);
  const loadAfter = loadavg();

  const first = fresh[0]!.rounds[0]!;
  const rounds = fresh.map((r) => r.rounds[0]!);
  const total = p50max(rounds.map((r) => r.totalMs));
  const peakRssMb = Math.max(...fresh.map((r) => r.peakRssMb));
  const pass = {
    buildTotalMs: total.max <= TARGET_MS,
    peakRssMb: peakRssMb <= TARGET_MB,
    cliPeakRssMb: cli.maxRssMb <= TARGET_MB,
  };
  return {
    date: DATE,
    time_zone: TIME_ZONE,
    data: {
      rides: data.rides,
      day_rides: data.dayRides,
      day_riders: data.dayRiders,
      day_alerts: data.dayAlerts,
      alerts: data.alerts,
      riders: data.riders,
      days_before: 7,
      generate_s: round(generateS),
    },
    load_1min: { before: round(loadBefore[0]!), after: round(loadAfter[0]!) },
    cold: {
      build_ms: round(first.buildMs),
      render_ms: round(first.renderMs),
      total_ms: round(first.totalMs),
      peak_rss_mb: round(fresh[0]!.peakRssMb),
    },
    fresh: {
      runs: RUNS,
      build_ms: p50max(rounds.map((r) => r.buildMs)),
      render_ms: p50max(rounds.map((r) => r.renderMs)),
      total_ms: total,
      import_ms: p50max(fresh.map((r) => r.importMs)),
      baseline_rss_mb: p50max(fresh.map((r) => r.baselineRssMb)),
      peak_rss_before_render_mb: p50max(fresh.map((r) => r.hwmAfterBuildMb)),
      peak_rss_mb: p50max(fresh.map((r) => r.peakRssMb)),
    },
    warm: {
      reports: WARM,
      build_ms: p50max(warmRounds.map((r) => r.buildMs)),
      render_ms: p50max(warmRounds.map((r) => r.renderMs)),
      total_ms: p50max(warmRounds.map((r) => r.totalMs)),
      peak_rss_mb: round(warm.peakRssMb),
    },
    pdf: { bytes: first.bytes, pages: pdf.pages },
    cli: {
      wall_ms: cli.wallMs,
      report_built_ms: numberField(cliBuilt, 'ms'),
      peak_rss_mb: cli.maxRssMb,
      bytes: readFileSync(cliOut).byteLength,
    },
    build_total_p50_ms: total.p50,
    build_total_max_ms: total.max,
    peak_rss_mb: round(peakRssMb),
    targets: { build_total_ms: TARGET_MS, peak_rss_mb: TARGET_MB },
    meets_targets: pass.buildTotalMs && pass.peakRssMb && pass.cliPeakRssMb,
    pass,
  };
});
