import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { DelotonError } from '../domain/errors.js';
import type { Db } from '../store/db.js';
import { syncAnalyticsTimeZone } from '../store/analytics-definitions.js';
import { migrate } from '../store/migrate.js';
import { openPgDb } from '../store/pg-db.js';
import { openPgliteDb } from '../store/pglite-db.js';
import { join } from 'node:path';

/** Opens the configured database (PostgreSQL, or embedded PGlite under the data dir) and migrates it. */
export async function openDatabase(config: Config, logger: Logger): Promise<Db> {
  const db = config.databaseUrl
    ? openPgDb(config.databaseUrl, {
        prepare: config.preparedStatements,
        onError: (e) => logger.warn({ err: e.message }, 'idle database connection lost'),
      })
    : await openPgliteDb(join(config.dataDir, 'pgdata'));
  let applied: string[];
  try {
    applied = await migrate(db);
  } catch (e) {
    await db.close().catch(() => undefined);
    if (e instanceof DelotonError) throw e;
    throw new DelotonError(
      'db_unavailable',
      `cannot use the database at ${db.location}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  // The BI schema cuts days in the display time zone: on the first start, or after the zone
  // changed, every stored ride's day is set again (a minute for millions of rides).
  let lastLog = 0;
  const cut = await syncAnalyticsTimeZone(db, config.displayTimeZone, (p) => {
    if (Date.now() - lastLog < 5_000 && p.rides < p.of) return;
    lastLog = Date.now();
    logger.info({ rides: p.rides, of: p.of, timeZone: config.displayTimeZone }, 'cutting BI days');
  });
  if (cut)
    logger.info({ timeZone: config.displayTimeZone }, 'BI days cut in the display time zone');
  logger.info({ database: db.location }, 'database opened');
  if (applied.length) logger.info({ applied }, 'migrations applied');
  return db;
}
