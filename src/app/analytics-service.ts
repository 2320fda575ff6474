import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { refreshAnalytics, type AnalyticsRefresh } from '../store/analytics-refresh.repository.js';
import type { Db } from '../store/db.js';

/** What the BI refresher of this process has done, for /health. */
export interface AnalyticsStats {
  refreshes: number;
  daysRecomputed: number;
  lastRefreshAt: string | null;
  lastError: string | null;
}

/** Fresh, empty refresher stats. */
export function newAnalyticsStats(): AnalyticsStats {
  return { refreshes: 0, daysRecomputed: 0, lastRefreshAt: null, lastError: null };
}

/**
 * Recomputes the BI schema's changed days every `everyMs` until `signal` aborts, and once more
 * after it, so that a run that ends (`ingest --until-idle`) leaves the figures current. Every
 * process may run one: a refresh another process holds is skipped. A failed round (the database
 * away) is logged and tried again at the next.
 */
export async function runAnalyticsRefresh(o: {
  db: Db;
  everyMs: number;
  logger: Logger;
  signal: AbortSignal;
  stats?: AnalyticsStats;
}): Promise<void> {
  const log = o.logger.child({ lane: 'analytics' });
  const stats = o.stats ?? newAnalyticsStats();
  const round = async (): Promise<AnalyticsRefresh | null> => {
    try {
      const r = await refreshAnalytics(o.db);
      stats.lastError = null;
      if (r.kind === 'refreshed') {
        stats.refreshes++;
        stats.daysRecomputed += r.days;
        stats.lastRefreshAt = new Date().toISOString();
        log.debug({ days: r.days }, 'BI figures recomputed');
      }
      return r;
    } catch (e) {
      stats.lastError = (e as Error).message;
      log.warn({ err: stats.lastError }, 'recomputing the BI figures failed; trying again later');
      return null;
    }
  };
  while (!o.signal.aborted) {
    await round();
    await sleep(o.everyMs, undefined, { signal: o.signal }).catch(() => undefined);
  }
  await round();
}
