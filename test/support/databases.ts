// Every store test runs on both adapters: embedded PGlite and the real PostgreSQL server.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { openPgDb } from '../../src/store/pg-db.js';
import { openPgliteDb } from '../../src/store/pglite-db.js';

/** The server the suite may create databases on (trust auth on this machine and CI). */
export const PG_ADMIN_URL =
  process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export type DbKind = 'pglite' | 'postgres';

export interface TestDb {
  readonly kind: DbKind;
  readonly db: Db;
  /** Connection URL for child processes (postgres only). */
  readonly url: string | null;
  /** Empties every table the platform writes. */
  reset(): Promise<void>;
}

/** Creates a fresh, migrated PostgreSQL database; returns its URL and a drop function. */
export async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `deloton_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Opens a migrated database of the given kind. */
export async function openTestDb(kind: DbKind): Promise<TestDb & { close(): Promise<void> }> {
  let db: Db;
  let url: string | null = null;
  let drop = (): Promise<void> => Promise.resolve();
  if (kind === 'pglite') db = await openPgliteDb(null);
  else {
    const created = await createPgDatabase();
    url = created.url;
    drop = created.drop;
    db = openPgDb(url);
  }
  await migrate(db);
  return {
    kind,
    db,
    url,
    reset: async () => {
      const tables = await db.query<{ tablename: string }>(
        `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN
          ('schema_migrations', 'analytics_state', 'analytics_age_bands', 'analytics_heart_rate_zones')`,
      );
      if (tables.length)
        await db.exec(`TRUNCATE ${tables.map((t) => t.tablename).join(', ')} RESTART IDENTITY`);
    },
    close: async () => {
      await db.close();
      await drop();
    },
  };
}

/** Runs the suite once on PGlite and once on PostgreSQL, with clean tables before each test. */
export function describeEachDb(title: string, suite: (get: () => TestDb) => void): void {
  describe.each<DbKind>(['pglite', 'postgres'])(`${title} [%s]`, (kind) => {
    let t: (TestDb & { close(): Promise<void> }) | undefined;
    beforeAll(async () => {
      t = await openTestDb(kind);
    });
    afterAll(async () => {
      await t?.close();
    });
    beforeEach(async () => {
      await t?.reset();
    });
    suite(() => {
      if (!t) throw new Error('database not open');
      return t;
    });
  });
}

/** `count(*)` of a FROM clause (`'rides WHERE rider_id = $1'`), for assertions on stored rows. */
export function rowCounter(
  get: () => TestDb,
): (from: string, params?: (string | number)[]) => Promise<number> {
  return async (from, params = []) =>
    (await get().db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${from}`, params))[0]!.n;
}
