// Alert latency: from the abnormal reading entering the source to the SMTP server accepting the
// mail, measured over at least --alerts alerts while --bikes simulated bikes stream in real time
// through `deloton start` (simulator source, PostgreSQL, SMTP to a local server).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './support/cleanup.js';
import { buildDist, ROOT } from './support/cli-run.js';
import { numberArg } from './support/args.js';
import { log } from './support/log.js';
import { BenchFailure, round, runBench } from './support/output.js';
import { createBenchDatabase } from './support/pg.js';
import { TARGETS } from './support/targets.js';

const BIKES = numberArg('bikes', 500);
const ALERTS = numberArg('alerts', 120);
const TIMEOUT_S = numberArg('timeout', 420);

/** Percentile by nearest rank. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

await runBench('alert-latency', async () => {
  buildDist();
  const url = await createBenchDatabase('alerts');
  // Accepted mails: Message-ID → when the server accepted the message (end of DATA).
  const accepted = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, cb) {
      let head = '';
      stream.on('data', (d: Buffer) => {
        if (head.length < 8_192) head += d.toString('utf8');
      });
      stream.on('end', () => {
        const id = /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1];
        if (id) accepted.set(id, Date.now());
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onCleanup('stop smtp server', () => new Promise<void>((r) => server.close(() => r())));
  const smtpUrl = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;

  const dataDir = mkdtempSync(join(tmpdir(), 'deloton-bench-alerts-'));
  onCleanup('remove data dir', () => rmSync(dataDir, { recursive: true, force: true }));
  log(`deloton start: ${BIKES} bikes in real time, every ride with an abnormal stretch`);
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'dist', 'cli.js'),
      'start',
      '--bikes',
      String(BIKES),
      '--abnormal-share',
      '1',
      '--seed',
      '7',
    ],
    {
      cwd: dataDir,
      env: {
        ...process.env,
        DATABASE_URL: url,
        SMTP_URL: smtpUrl,
        MAIL_FROM: 'alerts@deloton.test',
        PORT: '0',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  onCleanup('stop deloton start', async () => {
    if (child.exitCode === null) child.kill('SIGINT');
    await exited;
  });
  const started = Date.now();
  while (accepted.size < ALERTS) {
    if (child.exitCode !== null) throw new BenchFailure(`deloton start exited (${child.exitCode})`);
    if (Date.now() - started > TIMEOUT_S * 1000)
      throw new BenchFailure(`only ${accepted.size} alerts mailed in ${TIMEOUT_S} s`);
    await sleep(1_000);
    if ((Date.now() - started) % 30_000 < 1_000) log(`${accepted.size} alerts mailed so far`);
  }
  child.kill('SIGINT');
  await exited;

  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const rows = (
    await db.query<{ alert_id: string; readings: { at: string }[]; state: string }>(
      'SELECT alert_id, readings, state FROM alerts',
    )
  ).rows;
  await db.end();
  // The reading that completed the run entered the source with its Telemetry line, which the
  // feed stamps 0.5 s after the Ride line whose time the reading carries.
  const latencies: number[] = [];
  for (const r of rows) {
    const at = accepted.get(`<alert-${r.alert_id}@deloton.test>`);
    const last = r.readings[r.readings.length - 1];
    if (at === undefined || !last) continue;
    latencies.push(at - (Date.parse(last.at) + 500));
  }
  if (latencies.length < ALERTS) throw new BenchFailure(`matched only ${latencies.length} alerts`);
  latencies.sort((a, b) => a - b);
  const p95 = percentile(latencies, 95);
  const p99 = percentile(latencies, 99);
  return {
    bikes: BIKES,
    alerts: latencies.length,
    queuedOrFailed: rows.filter((r) => r.state !== 'sent').length,
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(p95),
    p99Ms: round(p99),
    maxMs: round(latencies[latencies.length - 1]!),
    targets: TARGETS.alertLatency,
    pass: {
      p95Ms: p95 <= TARGETS.alertLatency.p95Ms,
      p99Ms: p99 <= TARGETS.alertLatency.p99Ms,
    },
  };
});
