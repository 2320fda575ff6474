import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PG_ADMIN_URL } from './databases.js';

/**
 * A copy of a PostgreSQL database (`CREATE DATABASE ... TEMPLATE`): a stand-in read replica,
 * whose differences from the original, made afterwards, show where each read went. Nothing may
 * be connected to the original while it is copied.
 */
export async function copyPgDatabase(
  sourceUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const source = decodeURIComponent(new URL(sourceUrl).pathname.slice(1));
  const name = `deloton_replica_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string): Promise<void> => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name} TEMPLATE "${source}"`);
  return {
    url: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
