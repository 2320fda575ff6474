// `deloton bi serve` and `start` with BI_PORT: the embedded database over the PostgreSQL wire
// protocol, read-only, for real psql and pg clients.
import { execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/store/db.js';
import { openPgliteDb } from '../src/store/pglite-db.js';
import { runCli, spawnCli } from './support/cli.js';
import { FIRST_1000 } from './support/ingest.js';
import { waitUntil } from './support/wait.js';

const VIEWS = [
  'rides',
  'riders',
  'readings',
  'dates',
  'daily_summary',
  'hourly_activity',
  'demographics',
  'age_bands',
  'heart_rate_zones',
];
// One row per view: its row count and a hash of all its rows as text.
const figures = (schema: string): string =>
  VIEWS.map(
    (v) =>
      `SELECT '${v}' AS view, count(*)::int AS n, ` +
      `md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM ${schema}.${v} x`,
  ).join(' UNION ALL ') + ' ORDER BY view';
const BASE_FIGURES = ['rides', 'riders', 'readings', 'alerts', 'source_offsets']
  .map(
    (t) =>
      `SELECT '${t}' AS t, count(*)::int AS n, ` +
      `md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM public.${t} x`,
  )
  .join(' UNION ALL ');

async function withDb<T>(dataDir: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openPgliteDb(join(dataDir, 'pgdata'));
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Spawns a CLI command and waits for the BI socket's port in its log. */
async function withSocket(
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number; logs: Record<string, unknown>[] }> {
  const child = spawnCli(args, { LOG_LEVEL: 'info', ...env });
  const logs: Record<string, unknown>[] = [];
  let rest = '';
  child.stderr?.on('data', (d: Buffer) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines)
      if (l.startsWith('{')) logs.push(JSON.parse(l) as Record<string, unknown>);
  });
  const line = (): Record<string, unknown> | undefined =>
    logs.find((l) => String(l.msg).startsWith('BI socket'));
  await waitUntil(() => line() !== undefined || child.exitCode !== null, 'the BI socket', {
    timeoutMs: 60_000,
  });
  if (!line()) throw new Error(`no BI socket: ${JSON.stringify(logs)}`);
  return { child, port: line()!.port as number, logs };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  child.kill('SIGINT');
  return exited;
}

const psql = async (port: number, ...sql: string[]): Promise<{ out: string; err: string }> => {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-U', 'analyst', '-d', 'deloton', '-At'];
  return new Promise((resolve) =>
    execFile('psql', [...args, ...sql.flatMap((s) => ['-c', s])], (_e, out, err) =>
      resolve({ out: out.trim(), err: err.trim() }),
    ),
  );
};

const client = async (port: number): Promise<pg.Client> => {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'analyst', database: 'deloton' });
  await c.connect();
  return c;
};

// Statements refused, with the SQLSTATE given: 25006 read-only, 42501 not allowed.
const REFUSED = new Map([
  ['INSERT INTO public.rides (bike_serial) VALUES ($$x$$)', '25006'],
  ['UPDATE public.riders SET first_name = $$x$$', '25006'],
  ['DELETE FROM public.readings', '25006'],
  ['CREATE TABLE t (a int)', '25006'],
  ['DROP VIEW rides', '25006'],
  ['SET ROLE postgres', '42501'],
  ["SELECT set_config('role', 'postgres', false)", '42501'],
  ['SELECT 1; COMMIT; DELETE FROM public.rides', '42501'],
  ['SELECT * FROM public.riders', '42501'],
  ["SELECT query_to_xml('SELECT * FROM public.riders', true, false, '')", '42501'],
]);

describe('deloton bi serve', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'deloton-bi-'));
  let direct: { view: string; n: number; h: string }[];
  let base: { t: string; n: number; h: string }[];
  let baseRides: number;
  let server: Awaited<ReturnType<typeof withSocket>>;

  beforeAll(async () => {
    const r = await runCli(['ingest', '--source', `file:${FIRST_1000}`, '--until-idle'], {
      DATA_DIR: dataDir,
    });
    expect(r.code, r.stderr).toBe(0);
    await withDb(dataDir, async (db) => {
      direct = await db.query(figures('analytics'));
      base = await db.query(BASE_FIGURES);
      const [rides] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM rides');
      baseRides = rides!.n;
    });
    server = await withSocket(['bi', 'serve', '--port', '0'], { DATA_DIR: dataDir });
  }, 120_000);

  afterAll(async () => {
    if (server) expect(await stop(server.child)).toBe(0);
    // Nothing a client sent changed the data.
    await withDb(dataDir, async (db) => expect(await db.query(BASE_FIGURES)).toEqual(base));
  }, 60_000);

  it('says at start how to connect', () => {
    const line = server.logs.find((l) => String(l.msg).startsWith('BI socket'));
    expect(line?.msg).toMatch(/psql -h 127\.0\.0\.1 -p \d+ -U analyst -d deloton/);
    expect(line?.host).toBe('127.0.0.1');
  });

  it('gives psql and pg the same answers as the database itself', async () => {
    expect(baseRides).toBeGreaterThan(0);
    expect(direct.find((d) => d.view === 'rides')?.n).toBe(baseRides);
    const viaPsql = await psql(server.port, figures('analytics'));
    expect(viaPsql.err).toBe('');
    expect(viaPsql.out.split('\n')).toEqual(direct.map((d) => `${d.view}|${d.n}|${d.h}`));
    const c = await client(server.port);
    try {
      expect((await c.query(figures('analytics'))).rows).toEqual(direct);
      // Unqualified names are the analytics views; parameters go through the extended protocol.
      const { rows } = await c.query(
        'SELECT count(*)::int AS n FROM rides WHERE ride_id > $1',
        [0],
      );
      expect(rows).toEqual([{ n: baseRides }]);
    } finally {
      await c.end();
    }
  });

  it('refuses writes, DDL, role changes, tricks and personal tables, and stays usable', async () => {
    const refused = [...REFUSED.keys()];
    for (const sql of refused) {
      const r = await psql(server.port, sql);
      expect(r.err, sql).toMatch(/^ERROR: /);
      expect(r.out, sql).toBe('');
    }
    const c = await client(server.port);
    try {
      for (const sql of refused) {
        // Both protocols: a simple query, and Parse/Bind/Execute with a parameter list.
        await expect(c.query(sql), sql).rejects.toHaveProperty('code', REFUSED.get(sql));
        await expect(c.query(sql, []), sql).rejects.toHaveProperty('code', REFUSED.get(sql));
        expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      }
      const who = await c.query('SELECT current_user AS u, current_setting($1) AS ro', [
        'transaction_read_only',
      ]);
      expect(who.rows).toEqual([{ u: 'deloton_bi_reader', ro: 'on' }]);
    } finally {
      await c.end();
    }
    expect(server.logs.some((l) => l.msg === 'bi: statement refused')).toBe(true);
  });

  it('serves two clients at once, each with its own prepared statements', async () => {
    const [a, b] = await Promise.all([client(server.port), client(server.port)]);
    try {
      const same = (c: pg.Client, text: string, v: number) =>
        c.query({ name: 'figure', text, values: [v] });
      // Each client one query after another, the two at the same time.
      const run = async (c: pg.Client, text: string): Promise<unknown[]> => {
        const rows: unknown[] = [(await same(c, text, 1)).rows];
        for (let i = 0; i < 10; i++)
          rows.push((await c.query('SELECT count(*)::int AS n FROM rides')).rows);
        return rows;
      };
      const [fromA, fromB] = await Promise.all([
        run(a, 'SELECT $1::int + 1 AS v'),
        run(b, 'SELECT $1::int * 10 AS v'),
      ]);
      const counts = Array.from({ length: 10 }, () => [{ n: baseRides }]);
      expect(fromA).toEqual([[{ v: 2 }], ...counts]);
      expect(fromB).toEqual([[{ v: 10 }], ...counts]);
      // Each name still means its own client's statement.
      expect((await same(a, 'SELECT $1::int + 1 AS v', 5)).rows).toEqual([{ v: 6 }]);
      expect((await same(b, 'SELECT $1::int * 10 AS v', 5)).rows).toEqual([{ v: 50 }]);
      // A transaction block is the client's view: each statement still runs read-only alone.
      await a.query('BEGIN');
      await expect(a.query('SELECT * FROM public.rides')).rejects.toThrow();
      await expect(a.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
      await a.query('ROLLBACK');
      expect((await a.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('leaves no transaction open when a client vanishes in the middle of a query', async () => {
    const socket = connect(server.port, '127.0.0.1');
    await once(socket, 'connect');
    const startup = Buffer.from('\0\0\0\0\0\x03\0\0user\0gone\0\0', 'latin1');
    startup.writeInt32BE(startup.length, 0);
    const sql = Buffer.from('QLLLLSELECT count(*) FROM generate_series(1, 3000000)\0');
    sql.writeInt32BE(sql.length - 1, 1);
    socket.write(Buffer.concat([startup, sql]));
    await once(socket, 'data'); // the handshake's answer: the query is under way
    socket.destroy();
    // The next unit finds the session idle (else it answers 55000) and runs read-only as ever.
    const c = await client(server.port);
    try {
      const { rows } = await c.query('SELECT current_user AS u, count(*)::int AS n FROM rides');
      expect(rows).toEqual([{ u: 'deloton_bi_reader', n: baseRides }]);
    } finally {
      await c.end();
    }
  });

  it('is refused on PostgreSQL, pointing to bi grant', async () => {
    const r = await runCli(['bi', 'serve'], {
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/embedded database only.*deloton bi grant --user NAME/s);
  });
});

describe('deloton start with BI_PORT', () => {
  it('offers the same read-only socket while it runs on PGlite', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deloton-bi-start-'));
    const s = await withSocket(['start', '--source', `file:${FIRST_1000}`], {
      DATA_DIR: dataDir,
      PORT: '0',
      BI_PORT: '0',
    });
    try {
      const r = await psql(s.port, 'SELECT current_user', 'SHOW transaction_read_only');
      expect(r).toEqual({ out: 'deloton_bi_reader\non', err: '' });
      const c = await client(s.port);
      try {
        // An idle BI client holds nothing: the app's own queries (ingest, /health) go on.
        const address = s.logs.find((l) => l.msg === 'http server listening')?.address as string;
        await waitUntil(async () => {
          const h = (await (await fetch(`${address}/health`)).json()) as {
            database: { status: string };
            ingest: { messages: number } | null;
          };
          return h.database.status === 'ok' && h.ingest?.messages === 1000;
        }, 'ingest to finish beside an idle BI client');
        await expect(c.query('DELETE FROM public.rides')).rejects.toMatchObject({
          code: '25006',
        });
        const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM rides');
        expect(rows[0]?.n).toBeGreaterThan(0);
      } finally {
        await c.end();
      }
    } finally {
      expect(await stop(s.child)).toBe(0);
    }
  }, 120_000);
});
