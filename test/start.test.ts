// `deloton start` with no configuration: embedded database under DATA_DIR, HTTP /health, and a
// clean shutdown on Ctrl-C (SIGINT) that loses nothing.
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { dateIn, daysBefore } from '../src/domain/calendar-day.js';
import { openPgliteDb } from '../src/store/pglite-db.js';
import { runCli, spawnCli } from './support/cli.js';
import { tryConnect } from './support/raw-http.js';
import { waitUntil } from './support/wait.js';
import { FIRST_1000 } from './support/ingest.js';

interface Health {
  status: string;
  database: { kind: string; status: string };
  ingest: { messages: number; readings: number; rejects: number } | null;
  reports: { built: number; lastDay: string | null; nextRunAt: string | null } | null;
}

/** Starts `deloton start`, waits for its HTTP address, and returns helpers around the child. */
async function start(args: string[], dataDir: string) {
  const child = spawnCli(['start', ...args], { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' });
  const logs: Record<string, unknown>[] = [];
  let buffer = '';
  child.stderr?.on('data', (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const l of lines)
      if (l.startsWith('{')) logs.push(JSON.parse(l) as Record<string, unknown>);
  });
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  // 'close', not 'exit': by then stdout has been read to its end.
  const exited = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  let address: string | undefined;
  for (let i = 0; i < 600 && !address; i++) {
    address = logs.find((l) => l.msg === 'http server listening')?.address as string | undefined;
    if (child.exitCode !== null) throw new Error(`start exited: ${JSON.stringify(logs)}`);
    await sleep(50);
  }
  if (!address) throw new Error('no http address logged');
  const health = async (): Promise<Health> =>
    (await (await fetch(`${address}/health`)).json()) as Health;
  return { child, logs, exited, health, address, stdout: () => stdout };
}

describe('deloton start', () => {
  it('ingests into the embedded database, reports health, and stops cleanly on SIGINT', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deloton-start-'));
    const s = await start(['--source', `file:${FIRST_1000}`], dataDir);
    let h = await s.health();
    for (let i = 0; i < 200 && (h.ingest?.messages ?? 0) < 1000; i++) {
      await sleep(50);
      h = await s.health();
    }
    expect(h).toMatchObject({
      status: 'ok',
      database: { kind: 'pglite', status: 'ok' },
      ingest: { messages: 1000, readings: 498, rejects: 0 },
    });
    expect(
      s.logs.some((l) => l.msg === 'embedded database; data lives here' && l.dataDir === dataDir),
    ).toBe(true);
    // The report schedule runs inside start: a new installation builds the latest due day's
    // report at once (yesterday, or the day before before 07:00) and keeps it, mailing nobody.
    await waitUntil(async () => ((await s.health()).reports?.built ?? 0) === 1, 'a report built');
    h = await s.health();
    const today = dateIn('Europe/London', Date.now());
    expect([daysBefore(today, 1), daysBefore(today, 2)]).toContain(h.reports?.lastDay);
    expect(Date.parse(h.reports!.nextRunAt!)).toBeGreaterThan(Date.now());
    expect(s.logs.some((l) => l.msg === 'report stored, not mailed')).toBe(true);
    // Loopback only by default: the key printed below must not be reachable from the network.
    // Another loopback address stands in for the network (a wildcard listener would accept it).
    expect(s.address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await tryConnect('127.0.0.2', Number(new URL(s.address).port))).toBe('ECONNREFUSED');
    // A new installation prints an admin key once, alone on a line, and it works at once.
    const key = /^(dlt_\S+)$/m.exec(s.stdout())?.[1];
    expect(key).toBeDefined();
    expect(s.stdout()).toContain(
      `Try it: curl -H "Authorization: Bearer ${key}" ${s.address}/api/rides`,
    );
    // The dashboard link carries the same key in its fragment, which no request ever sends.
    const link = /^Or sign in to the dashboard: (\S+)$/m.exec(s.stdout())?.[1];
    expect(link).toBe(`${s.address}/sign-in#key=${key}`);
    expect(s.stdout().trimEnd().split('\n').pop()).toBe(key);
    expect(JSON.stringify(s.logs)).not.toContain(key);
    const rides = await fetch(`${s.address}/api/rides`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(rides.status).toBe(200);
    expect(((await rides.json()) as { data: unknown[] }).data).toHaveLength(1);
    expect((await fetch(`${s.address}/api/rides`)).status).toBe(401);
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
    expect(s.logs.some((l) => l.msg === 'stopped cleanly')).toBe(true);

    const again = await start(['--source', `file:${FIRST_1000}`], dataDir);
    // Ingest starts after the key offer: once it has, a key would have been printed.
    for (let i = 0; i < 200 && !again.logs.some((l) => l.msg === 'ingest starting'); i++)
      await sleep(25);
    expect(again.logs.some((l) => l.msg === 'ingest starting')).toBe(true);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
    expect(again.stdout()).not.toMatch(/dlt_/);

    const db = await openPgliteDb(join(dataDir, 'pgdata'));
    try {
      expect(await db.query('SELECT count(*)::int AS n FROM readings')).toEqual([{ n: 498 }]);
    } finally {
      await db.close();
    }
  });

  it('runs the simulated fleet by default and keeps ingesting it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deloton-start-'));
    const s = await start(['--bikes', '20'], dataDir);
    let first = await s.health();
    for (let i = 0; i < 100 && !first.ingest?.messages; i++) {
      await sleep(100);
      first = await s.health();
    }
    expect(first.ingest?.messages).toBeGreaterThan(0);
    const more = async () => ((await s.health()).ingest?.messages ?? 0) > first.ingest!.messages;
    await waitUntil(more, 'more simulated messages to be ingested');
    expect(await more()).toBe(true);
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
  });

  it('says so and exits 1 when its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const r = await runCli(['start', '--source', `file:${FIRST_1000}`], {
        DATA_DIR: mkdtempSync(join(tmpdir(), 'deloton-start-')),
        PORT: String(port),
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(`cannot listen on port ${port} of 127\\.0\\.0\\.1: .*EADDRINUSE`),
      );
      expect(r.stderr).not.toMatch(/stopped cleanly/);
    } finally {
      blocker.close();
    }
  });
});
