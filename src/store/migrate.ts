import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DelotonError } from '../domain/errors.js';
import { syncAnalyticsDefinitions } from './analytics-definitions.js';
import type { Db, Queryable } from './db.js';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
// Any constant shared by all processes: only one of them migrates at a time.
const MIGRATION_LOCK = 4_242_001;

/** A numbered SQL migration file. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The migrations shipped with this build, in order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.split('_')[0]),
      name: f.replace(/\.sql$/, ''),
      sql: readFileSync(join(dir, f), 'utf8'),
    }));
}

/** Applies the migrations not yet applied; returns the names applied now. */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<string[]> {
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const done = new Set(
      (await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map(
        (r) => r.version,
      ),
    );
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      try {
        await tx.exec(m.sql);
      } catch (e) {
        throw new DelotonError(
          'migration_failed',
          `migration ${m.name} failed: ${(e as Error).message}`,
          {
            cause: e,
          },
        );
      }
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        m.version,
        m.name,
      ]);
      applied.push(m.name);
    }
    // The repeatable part: what the BI views take from the domain's lists (a later list change
    // needs no migration). Skipped for a test's partial list of migrations.
    const [bi] = await tx.query<{ ok: boolean }>(
      `SELECT to_regclass('analytics_age_bands') IS NOT NULL AS ok`,
    );
    if (bi?.ok) await syncAnalyticsDefinitions(tx);
  });
  return applied;
}

/** The newest migration applied to `db` (0 when it has none, or no migrations table). */
export async function schemaVersion(db: Queryable): Promise<number> {
  const [row] = await db.query<{ version: number | null }>(
    `SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 END AS version`,
  );
  if (row?.version === 0) return 0;
  const [max] = await db.query<{ version: number | null }>(
    'SELECT max(version) AS version FROM schema_migrations',
  );
  return max?.version ?? 0;
}
