// `deloton bi grant | revoke | tds` through the real CLI on the real PostgreSQL: the analyst role
// reads every analytics view and nothing else, keeps reading views later migrations create, and
// is gone after revoke; the .tds is well-formed XML (checked by PostgreSQL's own XML parser,
// libxml2) naming the right connection.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshAnalytics } from '../src/store/analytics-refresh.repository.js';
import type { Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { openPgDb } from '../src/store/pg-db.js';
import { runCli } from './support/cli.js';
import { createPgDatabase, PG_ADMIN_URL } from './support/databases.js';
import { seedReportDays } from './support/report-day.js';

const suffix = randomBytes(4).toString('hex');
const ANALYST = `bi_test_${suffix}`;
const OTHER = `bi_other_${suffix}`;
const REFUSED = `bi_refused_${suffix}`;
const KEPT = `bi_kept_${suffix}`;
const ROLES = [ANALYST, OTHER, REFUSED, KEPT];
const VIEWS = [
  'age_bands',
  'daily_summary',
  'dates',
  'demographics',
  'heart_rate_zones',
  'hourly_activity',
  'readings',
  'riders',
  'rides',
];
const PUBLIC_TABLES = [
  'riders',
  'rides',
  'readings',
  'alerts',
  'api_keys',
  'erasures',
  'analytics_daily',
  'analytics_days',
];

let url = '';
let drop = (): Promise<void> => Promise.resolve();
let db: Db | undefined;
let analystUrl = '';
const out = mkdtempSync(join(tmpdir(), 'deloton-bi-'));
const bi = (args: string[], env: Record<string, string> = {}) =>
  runCli(['bi', ...args], { DATABASE_URL: url, ...env });

/** Runs statements as the database owner (the migrating role, `postgres` here). */
async function asOwner<R extends object>(text: string, params: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(text, params)).rows;
  } finally {
    await c.end();
  }
}

/** Runs `fn` with a connection as the analyst. */
async function asAnalyst<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: analystUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The SQLSTATE a statement fails with as the analyst, or 'ok'. */
async function outcome(c: pg.Client, text: string): Promise<string> {
  try {
    await c.query(text);
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? 'no code';
  }
}

beforeAll(async () => {
  ({ url, drop } = await createPgDatabase());
  db = openPgDb(url);
  await migrate(db);
  await seedReportDays(db);
  await refreshAnalytics(db);
});

afterAll(async () => {
  await db?.close();
  // Dropping the database takes its grants and default privileges with it; the roles are cluster-wide.
  await drop();
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  for (const r of ROLES) await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(r)}`);
  await admin.end();
});

describe('deloton bi grant', () => {
  it('creates a login role with a stored password and prints how to connect', async () => {
    const r = await bi(['grant', '--user', ANALYST]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const password = /^\s+password\s+(\S+)$/m.exec(r.stdout)?.[1] ?? '';
    expect(password).toMatch(/^[\w-]{32}$/);
    analystUrl = /^\s+(postgresql:\/\/\S+)$/m.exec(r.stdout)?.[1] ?? '';
    const printed = new URL(analystUrl);
    const target = new URL(url);
    expect([printed.username, printed.password, printed.host, printed.pathname]).toEqual([
      ANALYST,
      password,
      target.host,
      target.pathname,
    ]);
    expect(r.stdout).toMatch(/^\s+schema\s+analytics$/m);
    expect(r.stdout).toContain(`psql "host=${target.hostname} port=${target.port}`);
    // Trust auth here accepts any password: check the server holds a SCRAM verifier instead.
    const [role] = await asOwner<{ scram: boolean; login: boolean; config: string[] }>(
      `SELECT a.rolpassword LIKE 'SCRAM-SHA-256$4096:%' AS scram, a.rolcanlogin AS login,
         r.rolconfig AS config
       FROM pg_authid a JOIN pg_roles r USING (oid) WHERE a.rolname = $1`,
      [ANALYST],
    );
    expect([role?.scram, role?.login]).toEqual([true, true]);
    expect(role?.config).toEqual(
      expect.arrayContaining([
        'default_transaction_read_only=on',
        'statement_timeout=5min',
        'search_path=analytics',
      ]),
    );
  });

  it('reads every analytics view, and the data behind them', async () => {
    const views = await asOwner<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.views WHERE table_schema = 'analytics' ORDER BY 1`,
    );
    expect(views.map((v) => v.name)).toEqual(VIEWS);
    await asAnalyst(async (c) => {
      expect((await c.query('SHOW search_path')).rows[0]).toEqual({ search_path: 'analytics' });
      for (const v of VIEWS)
        expect(await outcome(c, `SELECT * FROM analytics.${v} LIMIT 1`)).toBe('ok');
      // Unqualified, as a BI tool with the role's search_path writes it.
      const rides = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM rides');
      const [stored] = await asOwner<{ n: number }>('SELECT count(*)::int AS n FROM public.rides');
      expect(rides.rows[0]!.n).toBe(stored!.n);
      expect(stored!.n).toBeGreaterThan(50);
    });
  });

  it('is refused on the public tables, on writes, on DDL and on the platform functions', async () => {
    await asAnalyst(async (c) => {
      for (const t of PUBLIC_TABLES)
        expect([t, await outcome(c, `SELECT * FROM public.${t} LIMIT 1`)]).toEqual([t, '42501']);
      // The read-only default stops even what PUBLIC may do (a temporary table)...
      expect(await outcome(c, 'CREATE TEMPORARY TABLE mine (a int)')).toBe('25006');
      // ...but it is only a default: with it switched off, the missing privileges refuse.
      await c.query('SET default_transaction_read_only = off');
      const refused = [
        'INSERT INTO analytics.age_bands (band_order, label, min_age) VALUES (99, $$x$$, 1)',
        'UPDATE analytics.age_bands SET label = $$x$$',
        'DELETE FROM analytics.age_bands',
        'INSERT INTO public.api_keys DEFAULT VALUES',
        'UPDATE public.riders SET gender = NULL',
        'DELETE FROM public.rides',
        'TRUNCATE public.readings',
        'CREATE TABLE analytics.mine (a int)',
        'CREATE TABLE public.mine (a int)',
        'CREATE VIEW analytics.mine AS SELECT 1 AS a',
        'CREATE SCHEMA mine',
        'DROP VIEW analytics.rides',
        'ALTER VIEW analytics.rides RENAME TO gone',
        'CREATE FUNCTION public.mine() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
        'COMMENT ON VIEW analytics.rides IS $$mine$$',
        'SELECT public.erased_until(1)',
        'SELECT public.analytics_local_day(now())',
      ];
      await c.query('SET search_path = public'); // so the functions' unqualified tables resolve
      for (const s of refused) expect([s, await outcome(c, s)]).toEqual([s, '42501']);
    });
    const [still] = await asOwner<{ n: number }>('SELECT count(*)::int AS n FROM public.rides');
    expect(still!.n).toBeGreaterThan(50);
  });

  it('reads a view a later migration creates', async () => {
    await asOwner('CREATE VIEW analytics.new_view AS SELECT day FROM analytics_days');
    await asOwner(
      'DROP VIEW analytics.age_bands; CREATE VIEW analytics.age_bands AS SELECT band_order, label FROM analytics_age_bands',
    );
    await asAnalyst(async (c) => {
      expect(await outcome(c, 'SELECT * FROM analytics.new_view LIMIT 1')).toBe('ok');
      expect(await outcome(c, 'SELECT * FROM analytics.age_bands LIMIT 1')).toBe('ok');
    });
  });

  it('updates the role on a second grant, with the password given', async () => {
    const before = await asOwner<{ p: string }>(
      'SELECT rolpassword AS p FROM pg_authid WHERE rolname = $1',
      [ANALYST],
    );
    const r = await bi(['grant', '--user', ANALYST, '--password', 'correct-horse-battery']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Updated analyst role "${ANALYST}"`);
    expect(r.stdout).toMatch(/^\s+password\s+correct-horse-battery$/m);
    const after = await asOwner<{ p: string }>(
      'SELECT rolpassword AS p FROM pg_authid WHERE rolname = $1',
      [ANALYST],
    );
    expect(after[0]!.p).not.toBe(before[0]!.p);
    analystUrl = analystUrl.replace(/:[^:@]+@/, ':correct-horse-battery@');
    await asAnalyst(async (c) =>
      expect(await outcome(c, 'SELECT 1 FROM rides LIMIT 1')).toBe('ok'),
    );
  });

  it('refuses roles it did not make, bad names and the embedded database', async () => {
    await asOwner(`CREATE ROLE ${OTHER} LOGIN`);
    const cases: [string[], RegExp][] = [
      [['grant', '--user', 'postgres'], /role this command connects as/],
      [['grant', '--user', OTHER], /not made by deloton bi grant/],
      [['revoke', '--user', OTHER], /not made by deloton bi grant/],
      [['grant', '--user', 'Robert"); DROP'], /lower-case letters/],
      [['grant', '--user', 'pg_monitor'], /not starting with pg_/],
      [['grant', '--user', ANALYST, '--password', 'short'], /12-100 printable/],
    ];
    for (const [args, message] of cases) {
      const r = await bi(args);
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.stderr).toMatch(message);
    }
    const [other] = await asOwner<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1',
      [OTHER],
    );
    expect(other!.n).toBe(1);
    const embedded = await bi(['grant', '--user', REFUSED], { DATABASE_URL: '', DATA_DIR: out });
    expect(embedded.code).toBe(2);
    expect(embedded.stderr).toMatch(/need DATABASE_URL.*deloton bi serve/);
  });

  it('refuses, leaving no role, where every role may create in schema public (PostgreSQL 14 and older)', async () => {
    await asOwner('GRANT CREATE ON SCHEMA public TO PUBLIC');
    try {
      const r = await bi(['grant', '--user', REFUSED]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('CREATE on schema public');
      expect(r.stderr).toContain('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
      const [n] = await asOwner<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1',
        [REFUSED],
      );
      expect(n!.n).toBe(0);
    } finally {
      await asOwner('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    }
  });
});

describe('deloton bi tds', () => {
  /** Evaluates XPath 1.0 on the file with PostgreSQL's libxml2. */
  async function xpath(xml: string, path: string): Promise<string[]> {
    const [r] = await asOwner<{ v: string[] }>('SELECT xpath($2, $1::xml)::text[] AS v', [
      xml,
      path,
    ]);
    return r!.v;
  }

  it('writes well-formed XML with the connection, the views and their keys, and no password', async () => {
    const file = join(out, 'a.tds');
    const r = await bi([
      'tds',
      '--user',
      ANALYST,
      '--host',
      'bi.example.com',
      '--port',
      '6543',
      '--out',
      file,
    ]);
    expect(r.code).toBe(0);
    const xml = readFileSync(file, 'utf8');
    const [ok] = await asOwner<{ ok: boolean }>('SELECT xml_is_well_formed_document($1) AS ok', [
      xml,
    ]);
    expect(ok!.ok).toBe(true);
    const conn =
      "/datasource/connection/named-connections/named-connection/connection[@class='postgres']";
    expect(await xpath(xml, `${conn}/@server`)).toEqual(['bi.example.com']);
    expect(await xpath(xml, `${conn}/@port`)).toEqual(['6543']);
    expect(await xpath(xml, `${conn}/@dbname`)).toEqual([new URL(url).pathname.slice(1)]);
    expect(await xpath(xml, `${conn}/@schema`)).toEqual(['analytics']);
    expect(await xpath(xml, `${conn}/@username`)).toEqual([ANALYST]);
    expect(await xpath(xml, '//@password')).toEqual([]);
    const tables = await xpath(
      xml,
      "/datasource/connection/relation[@type='collection']/relation/@table",
    );
    expect(tables).toEqual(expect.arrayContaining(VIEWS.map((v) => `[analytics].[${v}]`)));
    // Every relationship names two fields the file declares, on the objects it links.
    const rels = await xpath(xml, '/datasource/object-graph/relationships/relationship');
    expect(rels).toHaveLength(8);
    const declared = new Set(await xpath(xml, '//metadata-record/local-name/text()'));
    for (const rel of rels) {
      const ops = await xpath(rel, '/relationship/expression/expression/@op');
      const ends = await xpath(rel, '/relationship/*[contains(name(), "end-point")]/@object-id');
      expect(ops.every((o) => declared.has(o))).toBe(true);
      const parents = await Promise.all(
        ops.map(async (o) => xpath(xml, `//metadata-record[local-name="${o}"]/parent-name/text()`)),
      );
      expect(parents.map((p) => p[0])).toEqual(ends.map((e) => `[${e}]`));
    }
    expect(rels.join('')).toContain("op='[rider_id (riders)]'".replace(/'/g, '"'));
  });

  it('takes the server, port and database from DATABASE_URL by default', async () => {
    const file = join(out, 'b.tds');
    expect((await bi(['tds', '--user', ANALYST, '--out', file])).code).toBe(0);
    const xml = readFileSync(file, 'utf8');
    const conn =
      "/datasource/connection/named-connections/named-connection/connection[@class='postgres']";
    const u = new URL(url);
    expect(await xpath(xml, `${conn}/@server`)).toEqual([u.hostname]);
    expect(await xpath(xml, `${conn}/@port`)).toEqual([u.port]);
  });
});

describe('deloton bi revoke', () => {
  it('drops the role, so that it can no longer log in; a second revoke has nothing to do', async () => {
    const r = await bi(['revoke', '--user', ANALYST]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dropped');
    await expect(asAnalyst((c) => c.query('SELECT 1'))).rejects.toMatchObject({ code: '28000' });
    const again = await bi(['revoke', '--user', ANALYST]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to revoke');
  });

  it('keeps a role that holds other rights, and says which', async () => {
    expect((await bi(['grant', '--user', KEPT])).code).toBe(0);
    await asOwner(`GRANT SELECT ON public.alerts TO ${KEPT}`);
    const r = await bi(['revoke', '--user', KEPT]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/kept[\s\S]*privileges for table alerts/);
    const [acl] = await asOwner<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.role_table_grants
       WHERE grantee = $1 AND table_schema = 'analytics'`,
      [KEPT],
    );
    expect(acl!.n).toBe(0);
  });
});
