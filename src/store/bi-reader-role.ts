import type { Db } from './db.js';

/** The role the embedded BI socket runs each client statement as (inside PGlite only). */
export const BI_READER_ROLE = 'deloton_bi_reader';

/**
 * Makes the reader role (no login) and lets it read the views of schema `analytics` and nothing
 * else; run at each start, so views added by later migrations are readable too. Resolves to
 * whether the schema exists.
 */
export async function ensureBiReaderRole(db: Db): Promise<boolean> {
  await db.exec(`DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${BI_READER_ROLE}') THEN
      CREATE ROLE ${BI_READER_ROLE} NOLOGIN;
    END IF;
  END $$`);
  const [schema] = await db.query<{ exists: boolean }>(
    `SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'analytics') AS exists`,
  );
  if (!schema?.exists) return false;
  await db.exec(`GRANT USAGE ON SCHEMA analytics TO ${BI_READER_ROLE};
    GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO ${BI_READER_ROLE}`);
  return true;
}
