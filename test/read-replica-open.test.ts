// Opening a read replica (DATABASE_READ_URL): never migrated, it must hold the primary's newest
// migration; after a start that migrated the primary it is waited for, else start fails at once.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabases } from '../src/app/open-db.js';
import { loadConfig } from '../src/config.js';
import { DelotonError } from '../src/domain/errors.js';
import { loadMigrations, migrate, schemaVersion } from '../src/store/migrate.js';
import { openPgDb } from '../src/store/pg-db.js';
import { runCli } from './support/cli.js';
import { createPgDatabase } from './support/databases.js';
import { silent } from './support/ingest.js';
import { waitUntil } from './support/wait.js';

const MIGRATIONS = loadMigrations();
const NEWEST = MIGRATIONS[MIGRATIONS.length - 1]!;
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

async function database(): Promise<string> {
  const made = await createPgDatabase();
  cleanup.push(made.drop);
  return made.url;
}

/** A replica that has replayed every migration but the newest. */
async function replicaOneBehind(): Promise<string> {
  const url = await database();
  const db = openPgDb(url);
  await migrate(db, MIGRATIONS.slice(0, -1));
  await db.close();
  return url;
}

const configOf = (primary: string, replica: string) =>
  loadConfig({ DATABASE_URL: primary, DATABASE_READ_URL: replica, DISPLAY_TIMEZONE: 'UTC' });

async function failure(p: Promise<unknown>): Promise<DelotonError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof DelotonError)) throw new Error(`expected a DelotonError, got ${String(e)}`);
  return e;
}

describe('openDatabases', () => {
  it('reads from the primary itself without DATABASE_READ_URL', async () => {
    const dbs = await openDatabases(loadConfig({ DATABASE_URL: await database() }), silent);
    expect(dbs.readDb).toBe(dbs.db);
    await dbs.close();
  });

  it('waits, after migrating the primary, until the replica has replayed the migration', async () => {
    const primary = await database();
    const replica = await replicaOneBehind();
    const lines: { msg?: string; has?: number; want?: number }[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (l: string) => void lines.push(JSON.parse(l) as (typeof lines)[number]) },
    );
    const opening = openDatabases(configOf(primary, replica), logger, { replicaCatchUpMs: 30_000 });
    await waitUntil(
      () => lines.some((l) => l.msg === 'waiting for the read replica to replay the migrations'),
      'start to wait for the replica',
    );
    expect(lines.find((l) => l.has !== undefined)).toMatchObject({
      has: NEWEST.version - 1,
      want: NEWEST.version,
    });
    // The replay arrives (here: the row the migration leaves behind).
    const r = openPgDb(replica);
    await r.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
      NEWEST.version,
      NEWEST.name,
    ]);
    await r.close();
    const dbs = await opening;
    expect(await schemaVersion(dbs.readDb)).toBe(NEWEST.version);
    expect(dbs.readDb).not.toBe(dbs.db);
    expect(dbs.readDb.location).toBe(openPgDb(replica).location);
    await dbs.close();
  });

  it('fails with replica_schema_mismatch, naming both versions, when the replica does not catch up', async () => {
    const primary = await database();
    const replica = await replicaOneBehind();
    const e = await failure(
      openDatabases(configOf(primary, replica), silent, { replicaCatchUpMs: 500 }),
    );
    expect(e.code).toBe('replica_schema_mismatch');
    expect(e.message).toContain(
      `has schema version ${NEWEST.version - 1} but the primary (DATABASE_URL) has ${NEWEST.version}`,
    );
    expect(e.message).toMatch(/did not replay the new migrations within 1 s/);

    // The primary is migrated now: a start that migrates nothing does not wait for a replica
    // that is behind (the test's timeout would end a wait of 10 minutes).
    const again = await failure(
      openDatabases(configOf(primary, replica), silent, { replicaCatchUpMs: 600_000 }),
    );
    expect(again.code).toBe('replica_schema_mismatch');
    expect(again.message).toMatch(/must name a streaming replica of DATABASE_URL/);

    // A database that is no replica at all has no schema_migrations: version 0.
    const empty = await failure(openDatabases(configOf(primary, await database()), silent));
    expect(empty.code).toBe('replica_schema_mismatch');
    expect(empty.message).toContain(`has schema version 0 but the primary`);
  });

  it('fails with db_unavailable naming DATABASE_READ_URL when the replica is unreachable', async () => {
    const primary = await database();
    const e = await failure(
      openDatabases(configOf(primary, 'postgresql://postgres@127.0.0.1:1/deloton'), silent),
    );
    expect(e.code).toBe('db_unavailable');
    expect(e.message).toMatch(
      /cannot use the read replica \(DATABASE_READ_URL\) at .*127\.0\.0\.1:1/,
    );
  });
});

describe('deloton bi tds with a read replica', () => {
  it("points Tableau at the replica's host and port", async () => {
    const primary = await database();
    const db = openPgDb(primary);
    await migrate(db);
    await db.close();
    // The same server under another name: where the data source file points shows which was taken.
    const replica = primary.replace('127.0.0.1:5432', 'localhost:5432');
    const dir = mkdtempSync(join(tmpdir(), 'deloton-tds-'));
    const out = join(dir, 'a.tds');
    const run = await runCli(['bi', 'tds', '--user', 'anna', '--out', out], {
      DATABASE_URL: primary,
      DATABASE_READ_URL: replica,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/port='5432' schema='analytics' server='localhost'/);
  });
});
