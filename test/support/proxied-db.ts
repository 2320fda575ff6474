import type { Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { openPgDb } from '../../src/store/pg-db.js';
import { createPgDatabase } from './databases.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/**
 * A fresh, migrated PostgreSQL database reached through a TCP proxy that can cut it off: a
 * database outage on demand. `cleanup` is given what undoes it, in the order to run it backwards.
 */
export async function proxiedPgDb(
  cleanup: (() => Promise<void>)[],
): Promise<{ db: Db; proxy: TcpProxy }> {
  const created = await createPgDatabase();
  cleanup.push(created.drop);
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
  cleanup.push(() => proxy.close());
  const url = new URL(created.url);
  url.port = String(proxy.port);
  const db = openPgDb(url.toString());
  cleanup.push(() => db.close());
  await migrate(db);
  return { db, proxy };
}
