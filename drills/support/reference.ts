// The expected state: the same feed ingested once, cleanly, by the same CLI, into a fresh database.
import { onCleanup } from '../../bench/support/cleanup.js';
import { createBenchDatabase } from '../../bench/support/pg.js';
import type { Db } from '../../src/store/db.js';
import { openPgDb } from '../../src/store/pg-db.js';
import { log } from './drill.js';
import { delotonRun } from './procs.js';

/** A fresh database on the machine's server (dropped at cleanup), opened. */
export async function freshDb(purpose: string): Promise<{ url: string; db: Db }> {
  const url = await createBenchDatabase(purpose);
  const db = openPgDb(url);
  onCleanup(`close ${purpose} database`, () => db.close());
  return { url, db };
}

/** Ingests `source` (`file:PATH`, `kafka`) to its end into a fresh database; `env` adds settings. */
export async function referenceRun(source: string, env: Record<string, string> = {}): Promise<Db> {
  const { url, db } = await freshDb('drill_ref');
  log(`reference: ingesting ${source} once, cleanly`);
  await delotonRun(['ingest', '--source', source, '--until-idle'], {
    ...env,
    DATABASE_URL: url,
    LOG_LEVEL: 'warn',
  });
  return db;
}
