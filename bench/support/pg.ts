// Throwaway PostgreSQL databases on the local server, so a benchmark never touches real data and
// always starts from empty tables (test/support/databases.ts does the same but imports vitest).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { onCleanup } from './cleanup.js';
import { log } from './log.js';

/** The server benchmarks may create databases on (trust auth on this machine). */
export const PG_ADMIN_URL =
  process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Runs one statement on the admin database. */
export async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Creates an empty database that is dropped at cleanup; returns its URL. */
export async function createBenchDatabase(purpose: string): Promise<string> {
  const name = `deloton_bench_${purpose}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  onCleanup(`drop database ${name}`, () =>
    adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  );
  log(`created database ${name}`);
  return PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
}

/**
 * Flushes dirty pages before a measured phase, so one phase's writes are not paid for by the next
 * one's timing when a checkpoint happens to start in the middle of it.
 */
export function checkpoint(): Promise<void> {
  return adminQuery('CHECKPOINT');
}

/** Runs `SELECT count(*)`-style queries on a database and returns the first column as numbers. */
export async function countRows(
  url: string,
  queries: Record<string, string>,
): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const out: Record<string, number> = {};
    for (const [key, sql] of Object.entries(queries)) {
      const res = await c.query<{ n: string }>(sql);
      out[key] = Number(res.rows[0]?.n ?? NaN);
    }
    return out;
  } finally {
    await c.end();
  }
}
