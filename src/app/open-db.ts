import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { openPgDb } from '../store/pg-db.js';
import { openPgliteDb } from '../store/pglite-db.js';
import { join } from 'node:path';

/** Opens the configured database (PostgreSQL, or embedded PGlite under the data dir) and migrates it. */
export async function openDatabase(config: Config, logger: Logger): Promise<Db> {
  const db = config.databaseUrl
    ? openPgDb(config.databaseUrl, {
        onError: (e) => logger.warn({ err: e.message }, 'idle database connection lost'),
      })
    : await openPgliteDb(join(config.dataDir, 'pgdata'));
  logger.info({ database: db.location }, 'database opened');
  const applied = await migrate(db);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  return db;
}
