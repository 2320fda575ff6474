import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import { purgeOldRejects } from '../store/rejects.repository.js';
import { logMaintenance, maintainReadings } from './readings-maintenance.js';

const EVERY_MS = 3_600_000;

/**
 * Deletes rejected lines older than the retention, now and every hour, until `signal` aborts.
 * A failed round (the database away) is logged and tried again at the next.
 */
export async function runRejectRetention(o: {
  db: Db;
  retentionMs: number | null;
  logger: Logger;
  signal: AbortSignal;
  everyMs?: number;
}): Promise<void> {
  const retentionMs = o.retentionMs;
  if (retentionMs === null) return;
  const log = o.logger.child({ lane: 'retention' });
  while (!o.signal.aborted) {
    try {
      const n = await purgeOldRejects(o.db, retentionMs);
      if (n > 0)
        log.info(
          { deleted: n, olderThanDays: retentionMs / 86_400_000 },
          'old rejected lines deleted',
        );
    } catch (e) {
      log.warn(
        { err: (e as Error).message },
        'deleting old rejected lines failed; trying again later',
      );
    }
    await sleep(o.everyMs ?? EVERY_MS, undefined, { signal: o.signal }).catch(() => undefined);
  }
}

/**
 * Creates the coming readings partitions and drops those older than `retentionMs` (null: none),
 * now and every hour, until `signal` aborts. A failed round is logged and tried at the next.
 */
export async function runReadingsMaintenance(o: {
  db: Db;
  retentionMs: number | null;
  logger: Logger;
  signal: AbortSignal;
  everyMs?: number;
}): Promise<void> {
  const log = o.logger.child({ lane: 'retention' });
  while (!o.signal.aborted) {
    try {
      logMaintenance(log, await maintainReadings(o.db, o.retentionMs));
    } catch (e) {
      log.warn(
        { err: (e as Error).message },
        'readings partition maintenance failed; trying again later',
      );
    }
    await sleep(o.everyMs ?? EVERY_MS, undefined, { signal: o.signal }).catch(() => undefined);
  }
}
