// A floor of bikes riding in real time, as in production: `deloton ingest` (the simulator) and
// `deloton serve` as separate processes on one fresh database, an admin key, and a listener on the
// live channel that notes when each ride's NOTIFY arrived (to split the latency into its parts).
import { execFile, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { LIVE_CHANNEL, parseLivePayload } from '../../src/store/live-rides.repository.js';
import { onCleanup } from './cleanup.js';
import { ROOT } from './cli-run.js';
import { log } from './log.js';
import { BenchFailure } from './output.js';
import { createBenchDatabase } from './pg.js';
import { startChild, startServeProcess } from './serve.js';

const CLI = join(ROOT, 'dist', 'cli.js');

/** The ingest process's own count, from its latest "ingest progress" log line. */
export interface IngestProgress {
  readonly atMs: number;
  readonly messages: number;
  readonly batches: number;
}

/** NOTIFY arrival times per ride id, in order, noted while `on`. */
export interface NotifyLog {
  on: boolean;
  readonly times: Map<number, number[]>;
}

/** A running floor. */
export interface Floor {
  readonly url: string;
  readonly base: string;
  readonly key: string;
  readonly serve: ChildProcess;
  readonly ingest: ChildProcess;
  readonly notifies: NotifyLog;
  ingestProgress(): IngestProgress | null;
}

/** `deloton keys create --role admin` on `url`; returns the key (the last line of its stdout). */
export async function createAdminKey(url: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [CLI, 'keys', 'create', '--role', 'admin', '--name', 'bench-live'],
    { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' }, cwd: ROOT },
  );
  const key = stdout.trim().split('\n').at(-1) ?? '';
  if (!key.startsWith('dlt_')) throw new BenchFailure(`keys create printed no key: ${stdout}`);
  return key;
}

/** Starts serve, then ingest with `bikes` simulated bikes in real time, on a new database. */
export async function startFloor(purpose: string, bikes: number): Promise<Floor> {
  const url = await createBenchDatabase(purpose);
  // serve migrates the database; the key and the ingest come after it.
  const { base, child: serve } = await startServeProcess(url);
  const key = await createAdminKey(url);
  const listener = new pg.Client({ connectionString: url });
  await listener.connect();
  onCleanup('close the NOTIFY listener', () => listener.end());
  const notifies: NotifyLog = { on: false, times: new Map() };
  listener.on('notification', (n) => {
    if (!notifies.on || n.channel !== LIVE_CHANNEL) return;
    const now = Date.now();
    for (const id of parseLivePayload(n.payload ?? '')) {
      const times = notifies.times.get(id);
      if (times) times.push(now);
      else notifies.times.set(id, [now]);
    }
  });
  await listener.query(`LISTEN ${LIVE_CHANNEL}`);
  log(`deloton ingest --source simulator --realtime --bikes ${bikes}`);
  const { child: ingest } = await startChild(
    [CLI, 'ingest', '--source', 'simulator', '--realtime', '--bikes', String(bikes), '--seed', '7'],
    { DATABASE_URL: url, LOG_LEVEL: 'info' },
    /ingest starting/,
  );
  let progress: IngestProgress | null = null;
  let partial = '';
  ingest.stderr?.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"ingest progress"')) continue;
      const l = JSON.parse(line) as { time: number; messages: number; batches: number };
      progress = { atMs: l.time, messages: l.messages, batches: l.batches };
    }
  });
  return { url, base, key, serve, ingest, notifies, ingestProgress: () => progress };
}
